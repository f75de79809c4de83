"""Pure models: settings, ladder, TTL, latency, cron. No Pulumi import, so they load in
milliseconds and serve the components, the plan tooling and the policy pack alike."""
