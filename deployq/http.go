package deployq

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"releasebot/integrations/deploy"
)

// Reporter records what a deploy system told about a run; Runner
// implements it.
type Reporter interface {
	Report(ctx context.Context, rep deploy.Report) error
}

// CallbackHandler accepts the webhook deployer's callbacks: a signed JSON
// report on a run (see deploy.ParseCallback). Answers: 204 recorded (or
// already recorded), 401 bad signature, 400 unreadable, 404 unknown run,
// 503 when no secret is configured, 500 when recording failed (the sender
// should retry).
func CallbackHandler(rep Reporter, secret deploy.Secret, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if secret.IsZero() {
			// Not silent: a run waiting for this callback fails at its
			// timeout, and the operator should know why.
			log.ErrorContext(r.Context(), "deploy callback refused: DEPLOY_WEBHOOK_SECRET is not set, so callbacks cannot be verified; "+
				"set it, or the runs that wait for callbacks fail at their timeout", "remote", r.RemoteAddr)
			http.Error(w, "deploy callbacks are off: DEPLOY_WEBHOOK_SECRET is not set", http.StatusServiceUnavailable)
			return
		}
		report, err := deploy.ParseCallback(r, secret)
		switch {
		case errors.Is(err, deploy.ErrBadSignature):
			log.WarnContext(r.Context(), "deploy callback with a bad signature refused", "remote", r.RemoteAddr)
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		switch err := rep.Report(r.Context(), report); {
		case errors.Is(err, ErrUnknownRun):
			http.Error(w, "unknown run", http.StatusNotFound)
		case err != nil:
			log.ErrorContext(r.Context(), "deploy callback not recorded", "run", report.RunID, "err", err)
			http.Error(w, "not recorded; retry", http.StatusInternalServerError)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
}
