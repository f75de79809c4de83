"""The component library: Pulumi ComponentResources that users instantiate.

`platform` wires the subcomponents by passing outputs; the subcomponents (encoder, packager,
cdn, archive, alarms, scheduler) never import each other, only the shared helpers (`args`,
`buckets`, `iam`, `tags`) and the pure models in `livestream.model`.
"""
