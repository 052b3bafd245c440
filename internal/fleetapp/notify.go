package fleetapp

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"net/smtp"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleet"
)

// Webhook and Notification are the store's.
type (
	Webhook      = fleet.Webhook
	Notification = fleet.Notification
)

// AddWebhook registers a URL that receives the organisation's
// notifications: http or https (a signed POST), or mailto:ADDRESS (an
// e-mail through the server's SMTP relay). It returns it with the
// secret that signs them, shown once.
func (f *Fleet) AddWebhook(ctx context.Context, by Actor, rawURL string) (Webhook, error) {
	u, err := url.Parse(rawURL)
	switch {
	case err == nil && u.Scheme == "mailto":
		if a, err := mail.ParseAddress(u.Opaque); err != nil || a.Address != u.Opaque {
			return Webhook{}, app.InputError{Err: fmt.Errorf("url %.80q: mailto: and one e-mail address", rawURL)}
		}
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(rawURL) > 2000 || u.User != nil:
		return Webhook{}, app.InputError{Err: fmt.Errorf("url %.80q: an http or https URL with a host and no user information, or mailto:ADDRESS", rawURL)}
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Webhook{}, err
	}
	return f.store.AddWebhook(ctx, by, u.String(), "whsec_"+base64.RawURLEncoding.EncodeToString(raw[:]))
}

// Webhooks lists the organisation's webhooks, without their secrets.
func (f *Fleet) Webhooks(ctx context.Context, by Actor) ([]Webhook, error) {
	return f.store.Webhooks(ctx, by.Org)
}

// DeleteWebhook stops a webhook.
func (f *Fleet) DeleteWebhook(ctx context.Context, by Actor, id string) error {
	return f.store.DeleteWebhook(ctx, by, id)
}

// Notifications lists the organisation's notifications with their
// delivery.
func (f *Fleet) Notifications(ctx context.Context, by Actor, p Page) ([]Notification, string, error) {
	return f.store.Notifications(ctx, by.Org, p)
}

// Opened is the notification sent when an assessment opens findings the
// device's previous one did not have.
type Opened struct {
	Event      string         `json:"event"`
	Device     Device         `json:"device"`
	Assessment string         `json:"assessment"`
	Readiness  ReadinessDelta `json:"readiness"`
	Opened     []FindingRef   `json:"opened"`
	// Vulnerabilities are the vulnerabilities and advisories the opened
	// findings name (GHSA-..., CVE-..., ICSMA-...).
	Vulnerabilities []string `json:"vulnerabilities"`
	// What says what to do, and where to read more.
	What string `json:"what"`
}

// vulnerabilities are the vulnerability and advisory IDs findings name:
// a finding on COMPONENT/ID.
func vulnerabilities(fs []FindingRef) []string {
	out := []string{}
	for _, f := range fs {
		_, subject, _ := strings.Cut(f.ID, "@")
		if _, id, ok := strings.Cut(subject, "/"); ok && id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// notifyOpened queues, after assessment a of a device finished with the
// report view, a notification of the findings it opened since the
// device's previous done assessment, to each webhook of its
// organisation; a first assessment opens nothing.
func (f *Fleet) notifyOpened(ctx context.Context, a Assessment, view reportView) error {
	hooks, err := f.store.Webhooks(ctx, a.Org)
	if err != nil || len(hooks) == 0 {
		return err // nobody to tell
	}
	prev, err := f.store.PreviousDone(ctx, a.Org, a.Device, a.ID)
	if errors.Is(err, fleet.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	old, err := f.store.Assessment(ctx, a.Org, prev)
	if err != nil {
		return err
	}
	var was reportView
	if err := json.Unmarshal(old.Report, &was); err != nil {
		return err
	}
	c := compareViews(prev, a.ID, was, view)
	if len(c.Opened) == 0 {
		return nil
	}
	d, err := f.store.Device(ctx, a.Org, a.Device)
	if err != nil {
		return err
	}
	vulns := vulnerabilities(c.Opened)
	names := ""
	if len(vulns) > 0 {
		names = " (" + strings.Join(vulns[:min(len(vulns), 5)], ", ")
		if len(vulns) > 5 {
			names += fmt.Sprintf(" and %d more", len(vulns)-5)
		}
		names += ")"
	}
	body, err := json.Marshal(Opened{Event: "findings.opened", Device: d, Assessment: a.ID, Readiness: c.Readiness, Opened: c.Opened, Vulnerabilities: vulns,
		What: fmt.Sprintf("%d finding(s) opened on %s%s%s: open the device in the dashboard (/devices/%s) or GET /api/v1/assessments/%s/changes; the assessment's fixFirst says what to fix first, a vulnerability's disposition in the device model records what risk management decided", len(c.Opened), d.Name, at(d.Site), names, d.ID, a.ID)})
	if err != nil {
		return err
	}
	_, err = f.store.Notify(ctx, a.Org, "findings.opened", "findings.opened:"+a.ID, string(body))
	return err
}

func at(site string) string {
	if site == "" {
		return ""
	}
	return " at " + site
}

// Delivery says how notifications are sent.
type Delivery struct {
	Client *http.Client
	// SMTP is the relay (host:port) e-mails go through, From their
	// sender; without a relay, mailto: notifications fail and are
	// retried.
	SMTP, From string
	// Backoff is the wait after the first failed attempt, doubled after
	// each further one; Attempts how many are made in all.
	Backoff  time.Duration
	Attempts int
}

// DefaultDelivery waits 10 s, 20 s, 40 s ... between 8 attempts (about
// 42 minutes in all), with a 10 s timeout each and no redirects.
func DefaultDelivery() Delivery {
	return Delivery{
		Client:  &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		Backoff: 10 * time.Second, Attempts: 8,
	}
}

// Sign is a notification's signature: HMAC-SHA256 with the webhook's
// secret over the timestamp (Unix seconds), a dot and the body, in hex.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp + "."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Deliver sends the notifications that are due, each signed, and records
// each attempt; it returns how many it attempted.
func (f *Fleet) Deliver(ctx context.Context, d Delivery) (int, error) {
	due, err := f.store.Due(ctx, 20)
	if err != nil {
		return 0, err
	}
	for _, n := range due {
		var failure string
		if strings.HasPrefix(n.URL, "mailto:") {
			failure = sendMail(d, n, f.store.Now())
		} else {
			failure = send(ctx, d.Client, n, f.store.Now())
		}
		var next time.Time
		if failure != "" && n.Attempts+1 < d.Attempts {
			next = f.store.Now().Add(d.Backoff << n.Attempts)
		}
		if err := f.store.Attempted(ctx, n, failure, next); err != nil && err != fleet.ErrConflict {
			return 0, err
		}
	}
	return len(due), nil
}

// send posts one notification; it returns why it failed, or "".
func send(ctx context.Context, c *http.Client, n Notification, now time.Time) string {
	ts := strconv.FormatInt(now.Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, "POST", n.URL, bytes.NewReader([]byte(n.Body)))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mdcheck-webhook")
	req.Header.Set("X-Mdcheck-Event", n.Event)
	req.Header.Set("X-Mdcheck-Delivery", n.ID)
	req.Header.Set("X-Mdcheck-Timestamp", ts)
	req.Header.Set("X-Mdcheck-Signature", Sign(n.Secret, ts, []byte(n.Body)))
	res, err := c.Do(req)
	if err != nil {
		return err.Error()
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return "the receiver answered " + res.Status
	}
	return ""
}

// sendMail sends one notification as an e-mail through the relay: a
// subject that says what happened, the text of what to do, and the JSON
// with its signature in the headers.
func sendMail(d Delivery, n Notification, now time.Time) string {
	if d.SMTP == "" {
		return "no SMTP relay configured (mdcheck serve --smtp HOST:PORT)"
	}
	to := strings.TrimPrefix(n.URL, "mailto:")
	from := d.From
	if from == "" {
		from = "mdcheck@localhost"
	}
	var o Opened
	json.Unmarshal([]byte(n.Body), &o)
	subject := "mdcheck: " + n.Event
	if o.Device.Name != "" {
		subject = fmt.Sprintf("mdcheck: %d finding(s) opened on %s%s", len(o.Opened), o.Device.Name, at(o.Device.Site))
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	var b strings.Builder
	for _, h := range [][2]string{{"From", from}, {"To", to}, {"Subject", mime.QEncoding.Encode("utf-8", subject)}, {"Date", now.UTC().Format(time.RFC1123Z)},
		{"MIME-Version", "1.0"}, {"Content-Type", "text/plain; charset=utf-8"}, {"X-Mdcheck-Event", n.Event}, {"X-Mdcheck-Delivery", n.ID},
		{"X-Mdcheck-Timestamp", ts}, {"X-Mdcheck-Signature", Sign(n.Secret, ts, []byte(n.Body))}} {
		b.WriteString(h[0] + ": " + strings.NewReplacer("\r", " ", "\n", " ").Replace(h[1]) + "\r\n")
	}
	b.WriteString("\r\n")
	if o.What != "" {
		b.WriteString(o.What + "\r\n\r\n")
		for _, f := range o.Opened {
			fmt.Fprintf(&b, "- %s (%s, %s): %s\r\n", f.ID, f.Status, f.Severity, f.Title)
		}
		b.WriteString("\r\n")
	}
	b.WriteString(strings.ReplaceAll(n.Body, "\n", "\r\n") + "\r\n")
	if err := smtp.SendMail(d.SMTP, nil, from, []string{to}, []byte(b.String())); err != nil {
		return err.Error()
	}
	return ""
}
