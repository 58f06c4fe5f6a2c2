package deploy

import (
	"maps"
	"slices"
)

// CheckEnvironment returns a warning for each webhook deployer in deps
// (by service, then environment) that can never learn a run's result in
// this process's environment, so that startup can say so loudly instead of
// each run failing an hour later:
//
//   - it has neither a status URL to poll nor a callback URL to give the
//     endpoint (config check refuses this; a deployer built in code may
//     still do it);
//   - it learns results only by callback, and callbackSecret (the
//     DEPLOY_WEBHOOK_SECRET the callback endpoint verifies with) is empty:
//     the endpoint then refuses every callback (503).
//
// The app logs each warning as an error at startup.
func CheckEnvironment(deps map[string]map[string]Deployer, callbackSecret Secret) []string {
	var out []string
	for _, svc := range slices.Sorted(maps.Keys(deps)) {
		for _, env := range slices.Sorted(maps.Keys(deps[svc])) {
			w, ok := deps[svc][env].(*Webhook)
			if !ok || w.StatusURL != "" {
				continue
			}
			where := svc + "/" + env + ": the webhook deployer"
			switch {
			case w.CallbackURL == "":
				out = append(out, where+" has neither a status_url to poll nor a callback_url for the endpoint to report to, "+
					"so it never learns how a run ended (unless the endpoint answers with a status_url) and each run fails after its timeout; "+
					"configure status_url or callback_url")
			case callbackSecret.IsZero():
				out = append(out, where+" learns results only by callback, and DEPLOY_WEBHOOK_SECRET is not set, "+
					"so /deploy/callback refuses every callback (503) and each run fails after its timeout; "+
					"set DEPLOY_WEBHOOK_SECRET (the endpoint signs its callbacks with it), or configure status_url")
			}
		}
	}
	return out
}
