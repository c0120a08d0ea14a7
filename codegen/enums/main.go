// Command enums prints, as JSON, every Enum of the OpenAPI definitions in a
// zz_generated.openapi.go file (k8s.io/kubernetes pkg/generated/openapi):
// which model, which property path, which values.
//
// The published OpenAPI JSON documents leave enums out; the Go definitions the
// API server serves from keep them. Reading the file's syntax tree (not its
// text) keeps this independent of formatting and of how map keys are spelled:
// string literals up to 1.35, `pkg.Type{}.OpenAPIModelName()` calls from 1.36.
//
// Usage: go run . <path to zz_generated.openapi.go>
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Enum is one property with a closed set of values.
type Enum struct {
	// Schema is the model name as the OpenAPI documents name it, e.g. io.k8s.api.apps.v1.DeploymentStrategy.
	Schema string `json:"schema"`
	// Path leads from the model's schema to the enum's, e.g. ["properties", "type"].
	Path   []string      `json:"path"`
	Values []interface{} `json:"values"`
}

// Output is what the command prints.
type Output struct {
	Models int    `json:"models"`
	Enums  []Enum `json:"enums"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: enums <zz_generated.openapi.go>")
		os.Exit(2)
	}
	out, err := extract(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "enums:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "enums:", err)
		os.Exit(1)
	}
}

func extract(file string) (*Output, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	imports := map[string]string{}
	for _, spec := range f.Imports {
		p, _ := strconv.Unquote(spec.Path.Value)
		name := path.Base(p)
		if spec.Name != nil {
			name = spec.Name.Name
		}
		imports[name] = p
	}
	funcs := map[string]*ast.FuncDecl{}
	for _, decl := range f.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok {
			funcs[fn.Name.Name] = fn
		}
	}
	defs := funcs["GetOpenAPIDefinitions"]
	if defs == nil {
		return nil, fmt.Errorf("%s has no GetOpenAPIDefinitions", file)
	}
	tables := returnedLiterals(defs)
	if len(tables) != 1 {
		return nil, fmt.Errorf("GetOpenAPIDefinitions does not return a map literal")
	}
	table := tables[0]
	out := &Output{Enums: []Enum{}}
	for _, elt := range table.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		model, err := modelName(kv.Key, imports)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fset.Position(kv.Pos()), err)
		}
		call, ok := kv.Value.(*ast.CallExpr)
		if !ok {
			return nil, fmt.Errorf("%s: the definition of %s is not a function call", fset.Position(kv.Pos()), model)
		}
		fnName, ok := call.Fun.(*ast.Ident)
		if !ok || funcs[fnName.Name] == nil {
			return nil, fmt.Errorf("%s: no function for %s", fset.Position(kv.Pos()), model)
		}
		out.Models++
		defs := returnedLiterals(funcs[fnName.Name])
		if len(defs) == 0 {
			return nil, fmt.Errorf("%s does not return a definition literal", fnName.Name)
		}
		found := []Enum{}
		for _, def := range defs {
			if schema := field(def, "Schema"); schema != nil {
				if err := walk(schema, model, nil, &found); err != nil {
					return nil, fmt.Errorf("%s: %w", model, err)
				}
			}
		}
		out.Enums = append(out.Enums, dedupe(found)...)
	}
	sort.Slice(out.Enums, func(i, j int) bool {
		a, b := out.Enums[i], out.Enums[j]
		if a.Schema != b.Schema {
			return a.Schema < b.Schema
		}
		return strings.Join(a.Path, "\x00") < strings.Join(b.Path, "\x00")
	})
	return out, nil
}

// modelName turns a map key into the model's OpenAPI name: "k8s.io/api/apps/v1.Deployment"
// or appsv1.Deployment{}.OpenAPIModelName() become io.k8s.api.apps.v1.Deployment.
func modelName(key ast.Expr, imports map[string]string) (string, error) {
	switch k := key.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(k.Value)
		if err != nil {
			return "", err
		}
		dot := strings.LastIndex(s, ".")
		if dot < 0 {
			return "", fmt.Errorf("key %q names no type", s)
		}
		return friendlyName(s[:dot], s[dot+1:]), nil
	case *ast.CallExpr:
		sel, ok := k.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "OpenAPIModelName" {
			return "", fmt.Errorf("unexpected key call")
		}
		lit, ok := sel.X.(*ast.CompositeLit)
		if !ok {
			return "", fmt.Errorf("unexpected receiver of OpenAPIModelName")
		}
		typ, ok := lit.Type.(*ast.SelectorExpr)
		if !ok {
			return "", fmt.Errorf("unexpected type in key")
		}
		pkg, ok := typ.X.(*ast.Ident)
		if !ok || imports[pkg.Name] == "" {
			return "", fmt.Errorf("unknown package in key")
		}
		return friendlyName(imports[pkg.Name], typ.Sel.Name), nil
	}
	return "", fmt.Errorf("unexpected key %T", key)
}

// friendlyName is the OpenAPI model name of a Go type: the module's domain reversed,
// then the rest of the package path, then the type ("k8s.io/api/apps/v1", "Deployment"
// → "io.k8s.api.apps.v1.Deployment").
func friendlyName(pkgPath, typeName string) string {
	parts := strings.Split(pkgPath, "/")
	domain := strings.Split(parts[0], ".")
	for i, j := 0, len(domain)-1; i < j; i, j = i+1, j-1 {
		domain[i], domain[j] = domain[j], domain[i]
	}
	return strings.Join(append(append(domain, parts[1:]...), typeName), ".")
}

// returnedLiterals are the composite literals a function returns: the literal itself, or
// the literal arguments of a call that wraps them (EmbedOpenAPIDefinitionIntoV2Extension
// takes a v3 and a v2 definition of the same model).
func returnedLiterals(fn *ast.FuncDecl) []*ast.CompositeLit {
	if fn.Body == nil {
		return nil
	}
	for _, stmt := range fn.Body.List {
		ret, ok := stmt.(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		switch r := unwrap(ret.Results[0]).(type) {
		case *ast.CompositeLit:
			return []*ast.CompositeLit{r}
		case *ast.CallExpr:
			var lits []*ast.CompositeLit
			for _, arg := range r.Args {
				if lit, ok := unwrap(arg).(*ast.CompositeLit); ok {
					lits = append(lits, lit)
				}
			}
			return lits
		}
	}
	return nil
}

// dedupe keeps the first enum of each path (a model defined twice lists its enums twice).
func dedupe(enums []Enum) []Enum {
	seen := map[string]bool{}
	out := []Enum{}
	for _, e := range enums {
		key := strings.Join(e.Path, "\x00")
		if !seen[key] {
			seen[key] = true
			out = append(out, e)
		}
	}
	return out
}

// unwrap removes & and parentheses.
func unwrap(e ast.Expr) ast.Expr {
	for {
		switch x := e.(type) {
		case *ast.UnaryExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return e
		}
	}
}

// field is the value of a named field of a composite literal, as a composite literal.
func field(lit *ast.CompositeLit, name string) *ast.CompositeLit {
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
				v, _ := unwrap(kv.Value).(*ast.CompositeLit)
				return v
			}
		}
	}
	return nil
}

// walk visits a spec.Schema literal and the schemas nested in it.
func walk(schema *ast.CompositeLit, model string, at []string, out *[]Enum) error {
	props := field(schema, "SchemaProps")
	if props == nil {
		return nil
	}
	if enum := field(props, "Enum"); enum != nil {
		values := []interface{}{}
		for _, v := range enum.Elts {
			lit, ok := v.(*ast.BasicLit)
			if !ok {
				return fmt.Errorf("enum value at %v is not a literal", at)
			}
			switch lit.Kind {
			case token.STRING:
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return err
				}
				values = append(values, s)
			case token.INT, token.FLOAT:
				n, err := strconv.ParseFloat(lit.Value, 64)
				if err != nil {
					return err
				}
				values = append(values, n)
			default:
				return fmt.Errorf("enum value %s at %v", lit.Value, at)
			}
		}
		*out = append(*out, Enum{Schema: model, Path: append([]string{}, at...), Values: values})
	}
	if properties := field(props, "Properties"); properties != nil {
		for _, elt := range properties.Elts {
			kv, ok := elt.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			key, ok := kv.Key.(*ast.BasicLit)
			if !ok {
				return fmt.Errorf("property key at %v is not a literal", at)
			}
			name, err := strconv.Unquote(key.Value)
			if err != nil {
				return err
			}
			if sub, ok := unwrap(kv.Value).(*ast.CompositeLit); ok {
				if err := walk(sub, model, append(append([]string{}, at...), "properties", name), out); err != nil {
					return err
				}
			}
		}
	}
	for _, nested := range []struct{ field, step string }{{"Items", "items"}, {"AdditionalProperties", "additionalProperties"}} {
		if wrapper := field(props, nested.field); wrapper != nil {
			if sub := field(wrapper, "Schema"); sub != nil {
				if err := walk(sub, model, append(append([]string{}, at...), nested.step), out); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
