/** A small hand-made CRD input for the codegen tests (invented here, no upstream text). */

/** Two CRDs in one multi-document YAML: a namespaced one with a non-served version, and a cluster-scoped one. */
export const crdYaml = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.demo.example.io
spec:
  group: demo.example.io
  names:
    kind: Gadget
    listKind: GadgetList
    plural: gadgets
    singular: gadget
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    schema:
      openAPIV3Schema:
        description: Gadget is a made-up custom resource.
        type: object
        properties:
          apiVersion:
            type: string
          kind:
            type: string
          metadata:
            type: object
          spec:
            description: GadgetSpec is what the user wants.
            type: object
            required:
            - interval
            properties:
              interval:
                type: string
              timeout:
                x-kubernetes-int-or-string: true
                anyOf:
                - type: integer
                - type: string
              values:
                x-kubernetes-preserve-unknown-fields: true
              provider:
                type: string
                enum:
                - generic
                - aws
          status:
            type: object
            properties:
              conditions:
                type: array
                items:
                  type: object
                  required: [type, status]
                  properties:
                    type: {type: string}
                    status: {type: string, enum: ["True", "False", "Unknown"]}
  - name: v1beta1
    served: false
    storage: false
    schema:
      openAPIV3Schema:
        type: object
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: not-a-crd
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.demo.example.io
spec:
  group: demo.example.io
  names:
    kind: Gizmo
    plural: gizmos
  scope: Cluster
  versions:
  - name: v1alpha1
    served: true
    storage: true
    subresources:
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
      status: {}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              replicas: {type: integer}
`;
