"""livestream: a Pulumi component library for live streaming on AWS."""
