package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Slack's request signing headers.
const (
	HeaderSignature = "X-Slack-Signature"
	HeaderTimestamp = "X-Slack-Request-Timestamp"
)

// MaxRequestAge is how far a request's timestamp may be from now: Slack's
// documented five minutes, which bounds replays of a captured request.
const MaxRequestAge = 5 * time.Minute

// Errors of Verify. None of them says which part of a signature was right.
var (
	ErrUnsigned     = errors.New("slack request is not signed")
	ErrStale        = errors.New("slack request timestamp is outside the 5-minute window")
	ErrBadSignature = errors.New("slack request signature does not match")
)

// Verifier checks Slack's v0 request signatures: HMAC-SHA256 with the
// signing secret over "v0:" + timestamp + ":" + body, in constant time.
//
// slack-go's SecretsVerifier does the same but reads the real clock; this
// one takes the clock, so tests can pin the time of a recorded request.
type Verifier struct {
	Secret Secret
	Now    func() time.Time // nil: time.Now
}

// Verify checks one request's headers against its raw body.
func (v Verifier) Verify(h http.Header, body []byte) error {
	sig, ts := h.Get(HeaderSignature), h.Get(HeaderTimestamp)
	if sig == "" || ts == "" || v.Secret.IsZero() {
		return ErrUnsigned
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || secs <= 0 {
		return ErrStale
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if d := now().Sub(time.Unix(secs, 0)); d > MaxRequestAge || d < -MaxRequestAge {
		return ErrStale
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok || len(hexSig) != 2*sha256.Size {
		return ErrBadSignature
	}
	m := getMAC(v.Secret.Reveal())
	defer macs.Put(m)
	// hex.DecodeString's checks, without its allocation: an even number
	// of hex digits that decode to a SHA-256.
	m.scratch = append(m.scratch[:0], hexSig...)
	if _, err := hex.Decode(m.got[:], m.scratch); err != nil {
		return ErrBadSignature
	}
	if !hmac.Equal(m.got[:], m.sum(ts, body)) {
		return ErrBadSignature
	}
	return nil
}

// macState is an HMAC-SHA256 keyed with one secret and its scratch
// space, pooled: a request's check then allocates nothing.
type macState struct {
	key     string
	h       hash.Hash
	scratch []byte
	got     [sha256.Size]byte
	out     [sha256.Size]byte
}

var macs sync.Pool // of *macState

// getMAC returns a pooled HMAC keyed with secret, reset; give it back
// with macs.Put.
func getMAC(secret string) *macState {
	m, _ := macs.Get().(*macState)
	if m == nil {
		m = new(macState)
	}
	if m.h == nil || m.key != secret {
		m.key, m.h = secret, hmac.New(sha256.New, []byte(secret))
	} else {
		m.h.Reset()
	}
	return m
}

// sum is the v0 signature of body at timestamp ts; it is valid until the
// next use of m.
func (m *macState) sum(ts string, body []byte) []byte {
	m.scratch = append(append(append(m.scratch[:0], "v0:"...), ts...), ':')
	m.h.Write(m.scratch)
	m.h.Write(body)
	return m.h.Sum(m.out[:0])
}

func mac(secret, ts string, body []byte) []byte {
	m := getMAC(secret)
	defer macs.Put(m)
	return append([]byte(nil), m.sum(ts, body)...)
}

// Sign returns the X-Slack-Signature Slack would send for body at
// timestamp ts (Unix seconds). Tests and load tools build requests with it.
func Sign(secret Secret, ts string, body []byte) string {
	return "v0=" + hex.EncodeToString(mac(secret.Reveal(), ts, body))
}

// SignRequest sets both signing headers on r for body, signed at t.
func SignRequest(r *http.Request, secret Secret, t time.Time, body []byte) {
	ts := strconv.FormatInt(t.Unix(), 10)
	r.Header.Set(HeaderTimestamp, ts)
	r.Header.Set(HeaderSignature, Sign(secret, ts, body))
}
