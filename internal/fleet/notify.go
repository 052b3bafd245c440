package fleet

import (
	"context"
	"database/sql"
	"time"
)

// Webhook is where an organisation's notifications are sent; Secret
// signs them (HMAC-SHA256) and is shown once.
type Webhook struct {
	ID      string    `json:"id"`
	Org     string    `json:"org"`
	URL     string    `json:"url"`
	Secret  string    `json:"secret,omitempty"`
	Created time.Time `json:"created"`
}

// Notification statuses.
const (
	Pending     = "pending"
	Delivered   = "delivered"
	Undelivered = "undelivered" // every attempt failed
)

// Notification is one message to one webhook, with its delivery.
type Notification struct {
	ID          string     `json:"id"`
	Org         string     `json:"org"`
	Webhook     string     `json:"webhook"`
	Event       string     `json:"event"`
	Body        string     `json:"body"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	NextAttempt time.Time  `json:"nextAttempt"`
	LastError   string     `json:"lastError,omitempty"`
	Created     time.Time  `json:"created"`
	Delivered   *time.Time `json:"delivered,omitempty"`
	// URL and Secret are the webhook's, for the sender.
	URL    string `json:"-"`
	Secret string `json:"-"`
}

// AddWebhook registers a webhook of the actor's organisation.
func (s *Store) AddWebhook(ctx context.Context, by Actor, url, secret string) (Webhook, error) {
	w := Webhook{ID: s.newID(), Org: by.Org, URL: url, Secret: secret, Created: s.Now()}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO webhooks (id, org_id, url, secret, created) VALUES (?, ?, ?, ?, ?)`), w.ID, w.Org, url, secret, s.stamp()); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, by, by.Org, "webhook.create", "webhook/"+w.ID, "", digest([]byte(url)))
	})
	return w, err
}

// Webhooks lists an organisation's webhooks, without their secrets.
func (s *Store) Webhooks(ctx context.Context, org string) ([]Webhook, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, org_id, url, created FROM webhooks WHERE org_id = ? AND deleted IS NULL ORDER BY id`), org)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Webhook, error) {
		var w Webhook
		var created string
		err := r.Scan(&w.ID, &w.Org, &w.URL, &created)
		w.Created = parseTime(created)
		return w, err
	})
}

// DeleteWebhook stops a webhook; its notifications stay recorded.
func (s *Store) DeleteWebhook(ctx context.Context, by Actor, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE webhooks SET deleted = ? WHERE id = ? AND org_id = ? AND deleted IS NULL`), s.stamp(), id, by.Org)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.appendAudit(ctx, tx, by, by.Org, "webhook.delete", "webhook/"+id, "", "")
	})
}

// Notify queues a notification of event with body to every webhook of
// org; it returns how many it queued. key, when not "", makes the
// notification once per webhook: a second Notify with the same key (a
// retried job's) queues nothing.
func (s *Store) Notify(ctx context.Context, org, event, key, body string) (int, error) {
	hooks, err := s.Webhooks(ctx, org)
	if err != nil || len(hooks) == 0 {
		return 0, err
	}
	var k any
	if key != "" {
		k = key
	}
	n := 0
	err = s.tx(ctx, func(tx *sql.Tx) error {
		st := s.stamp()
		for _, h := range hooks {
			id := s.newID()
			res, err := tx.ExecContext(ctx, s.q(`INSERT INTO notifications (id, org_id, webhook_id, event, body, status, attempts, next_attempt, created, key) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING`),
				id, org, h.ID, event, body, Pending, st, st, k)
			if err != nil {
				return err
			}
			if added, _ := res.RowsAffected(); added == 0 {
				continue
			}
			n++
			if err := s.appendAudit(ctx, tx, System, org, "notification.queue", "notification/"+id, "", digest([]byte(body))); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

const notificationColumns = `n.id, n.org_id, n.webhook_id, n.event, n.body, n.status, n.attempts, n.next_attempt, n.last_error, n.created, n.delivered`

func scanNotification(r scanner, extra ...any) (Notification, error) {
	var n Notification
	var next, created string
	var delivered sql.NullString
	err := r.Scan(append([]any{&n.ID, &n.Org, &n.Webhook, &n.Event, &n.Body, &n.Status, &n.Attempts, &next, &n.LastError, &created, &delivered}, extra...)...)
	n.NextAttempt, n.Created = parseTime(next), parseTime(created)
	if delivered.Valid {
		t := parseTime(delivered.String)
		n.Delivered = &t
	}
	return n, err
}

// Notifications lists an organisation's notifications, oldest first.
func (s *Store) Notifications(ctx context.Context, org string, p Page) ([]Notification, string, error) {
	return paged(ctx, s, p, `SELECT `+notificationColumns+` FROM notifications n WHERE n.org_id = ? AND n.id > ? ORDER BY n.id LIMIT ?`,
		func(r scanner) (Notification, error) { return scanNotification(r) }, func(n Notification) string { return n.ID }, org)
}

// Due lists the pending notifications whose next attempt is due, with
// their webhooks' addresses and secrets.
func (s *Store) Due(ctx context.Context, limit int) ([]Notification, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+notificationColumns+`, w.url, w.secret FROM notifications n JOIN webhooks w ON w.id = n.webhook_id
		WHERE n.status = ? AND n.next_attempt <= ? ORDER BY n.next_attempt, n.id LIMIT ?`), Pending, s.stamp(), limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Notification, error) {
		var url, secret string
		n, err := scanNotification(r, &url, &secret)
		n.URL, n.Secret = url, secret
		return n, err
	})
}

// Attempted records a delivery attempt: delivered when failure is "",
// else retried at next, or undelivered when next is zero.
func (s *Store) Attempted(ctx context.Context, n Notification, failure string, next time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		status, delivered, nextAt := Pending, any(nil), n.NextAttempt.UTC().Format(stampLayout)
		switch {
		case failure == "":
			status, delivered = Delivered, s.stamp()
		case next.IsZero():
			status = Undelivered
		default:
			nextAt = next.UTC().Format(stampLayout)
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE notifications SET status = ?, attempts = attempts + 1, next_attempt = ?, last_error = ?, delivered = ? WHERE id = ? AND status = ?`),
			status, nextAt, failure, delivered, n.ID, Pending)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return ErrConflict
		}
		if status == Pending {
			return nil // a retry is not a change worth a record
		}
		return s.appendAudit(ctx, tx, System, n.Org, "notification."+status, "notification/"+n.ID, "", "")
	})
}
