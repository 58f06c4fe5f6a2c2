// Package github connects releasebot to GitHub (or GitHub Enterprise):
// a REST client authenticated by token or as a GitHub App, ref resolution
// and compare, the github-actions and github-deployment deployers, and the
// webhook endpoint that brings their results back.
package github

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v62/github"

	"releasebot/integrations/deploy"
)

// Environment variables of the GitHub connection.
const (
	EnvToken          = "GITHUB_TOKEN"
	EnvAppID          = "GITHUB_APP_ID"
	EnvAppKeyFile     = "GITHUB_APP_PRIVATE_KEY_FILE"
	EnvInstallationID = "GITHUB_APP_INSTALLATION_ID"
	EnvAPIURL         = "GITHUB_API_URL" // Enterprise (https://ghe.example.com/api/v3/) or a fake
	EnvWebhookSecret  = "GITHUB_WEBHOOK_SECRET"
)

// Settings say how to reach and authenticate to GitHub.
type Settings struct {
	APIURL string // "" means https://api.github.com/
	Token  deploy.Secret
	// As a GitHub App: its id, its private key (PEM) and the installation
	// whose tokens the bot uses.
	AppID          int64
	InstallationID int64
	PrivateKey     *rsa.PrivateKey
	Transport      http.RoundTripper // nil: http.DefaultTransport
}

// ErrNotConfigured: the environment names no GitHub credentials.
var ErrNotConfigured = errors.New("GitHub is not configured: set " + EnvToken + ", or " + EnvAppID + ", " +
	EnvAppKeyFile + " and " + EnvInstallationID)

// SettingsFromEnv reads Settings from the environment. It returns
// ErrNotConfigured when no credentials are set, and an error naming the
// variable when one is malformed.
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{APIURL: getenv(EnvAPIURL), Token: deploy.NewSecret(strings.TrimSpace(getenv(EnvToken)))}
	appID, keyFile, inst := getenv(EnvAppID), getenv(EnvAppKeyFile), getenv(EnvInstallationID)
	if appID == "" && keyFile == "" && inst == "" {
		if s.Token.IsZero() {
			return s, ErrNotConfigured
		}
		return s, nil
	}
	var err error
	if s.AppID, err = strconv.ParseInt(appID, 10, 64); err != nil || s.AppID <= 0 {
		return s, fmt.Errorf("%s must be the GitHub App's numeric id, got %q", EnvAppID, appID)
	}
	if s.InstallationID, err = strconv.ParseInt(inst, 10, 64); err != nil || s.InstallationID <= 0 {
		return s, fmt.Errorf("%s must be the numeric installation id (in the app's installation URL), got %q", EnvInstallationID, inst)
	}
	pemData, err := os.ReadFile(keyFile)
	if err != nil {
		return s, fmt.Errorf("%s: read the GitHub App's private key: %w", EnvAppKeyFile, err)
	}
	if s.PrivateKey, err = ParsePrivateKey(pemData); err != nil {
		return s, fmt.Errorf("%s: %w", EnvAppKeyFile, err)
	}
	return s, nil
}

// ParsePrivateKey reads a GitHub App's private key (PKCS#1 or PKCS#8 PEM).
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("not a PEM private key (download it from the GitHub App's settings)")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse the private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("the private key is not an RSA key")
	}
	return rk, nil
}

// NewClient returns a go-github client for s.
func NewClient(s Settings) (*gh.Client, error) {
	base := s.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	switch {
	case s.PrivateKey != nil:
		hc.Transport = &appTransport{base: base, s: s}
	case !s.Token.IsZero():
		hc.Transport = &tokenTransport{base: base, token: s.Token}
	default:
		return nil, ErrNotConfigured
	}
	c := gh.NewClient(hc)
	if s.APIURL != "" {
		// The API root as GitHub Actions names it in its own
		// GITHUB_API_URL: https://api.github.com, or
		// https://ghe.example.com/api/v3 on Enterprise Server.
		u, err := url.Parse(strings.TrimSuffix(s.APIURL, "/") + "/")
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("%s %q is not an http(s) URL like https://ghe.example.com/api/v3", EnvAPIURL, s.APIURL)
		}
		c.BaseURL, c.UploadURL = u, u
	}
	return c, nil
}

// tokenTransport authenticates with a personal or fine-grained token.
type tokenTransport struct {
	base  http.RoundTripper
	token deploy.Secret
}

func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t.token.Reveal())
	return t.base.RoundTrip(r)
}

// appTransport authenticates as a GitHub App installation: it signs a
// short JWT with the app's key, trades it for an installation token and
// reuses that token until shortly before it expires.
type appTransport struct {
	base http.RoundTripper
	s    Settings
	now  func() time.Time

	mu      sync.Mutex
	token   deploy.Secret
	expires time.Time
}

func (t *appTransport) clock() time.Time {
	if t.now != nil {
		return t.now()
	}
	return time.Now()
}

func (t *appTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tok, err := t.installationToken(r.Context())
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+tok.Reveal())
	return t.base.RoundTrip(r)
}

func (t *appTransport) installationToken(ctx context.Context) (deploy.Secret, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.token.IsZero() && t.clock().Add(time.Minute).Before(t.expires) {
		return t.token, nil
	}
	jwt, err := appJWT(t.s.AppID, t.s.PrivateKey, t.clock())
	if err != nil {
		return deploy.Secret{}, fmt.Errorf("%w: %w", errAppAuth, err)
	}
	api := t.s.APIURL
	if api == "" {
		api = "https://api.github.com/"
	}
	if !strings.HasSuffix(api, "/") {
		api += "/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%sapp/installations/%d/access_tokens", api, t.s.InstallationID), nil)
	if err != nil {
		return deploy.Secret{}, err
	}
	req.Header.Set("Authorization", "Bearer "+jwt)
	req.Header.Set("Accept", "application/vnd.github+json")
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return deploy.Secret{}, fmt.Errorf("GitHub App installation token: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return deploy.Secret{}, fmt.Errorf("%w: GitHub answered %s (check %s and %s)", errAppAuth, resp.Status, EnvAppID, EnvInstallationID)
	}
	var body struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Token == "" {
		return deploy.Secret{}, fmt.Errorf("%w: unreadable answer: %v", errAppAuth, err)
	}
	t.token, t.expires = deploy.NewSecret(body.Token), body.ExpiresAt
	return t.token, nil
}

// errAppAuth: the GitHub App's installation token could not be had for a
// reason other than the network (a wrong app id, key or installation).
var errAppAuth = errors.New("GitHub App installation token")

// appJWT is the app's RS256-signed JSON Web Token: valid from a minute
// ago (clock skew) for nine minutes (GitHub allows ten).
func appJWT(appID int64, key *rsa.PrivateKey, now time.Time) (string, error) {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{"iat": now.Add(-time.Minute).Unix(), "exp": now.Add(9 * time.Minute).Unix(), "iss": strconv.FormatInt(appID, 10)})
	signing := header + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign the GitHub App JWT: %w", err)
	}
	return signing + "." + enc.EncodeToString(sig), nil
}

// splitRepo splits "owner/name".
func splitRepo(repo string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" {
		return "", "", fmt.Errorf("repository %q is not owner/name", repo)
	}
	return owner, name, nil
}
