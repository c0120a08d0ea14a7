// Reads the +enum values out of k8s.io/kubernetes's generated OpenAPI definitions
// (pkg/generated/openapi/zz_generated.openapi.go). Standard library only.
module github.com/bun-k8s/bun-k8s/codegen/enums

go 1.26.0
