package fleet

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"
)

// Session is a browser's login: a cookie that stands for a token until
// it expires, with the CSRF token every changing request must repeat.
type Session struct {
	Token   Token
	Expires time.Time
	csrf    string // its hash
}

// CSRF reports whether token is the session's CSRF token.
func (s Session) CSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(digest([]byte(token))), []byte(s.csrf)) == 1
}

func randomSecret(prefix string) (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(raw[:]), nil
}

// CreateSession logs a browser in with a token's secret for ttl: it
// returns the session's secret (for the cookie) and its CSRF token, both
// kept only as hashes.
func (s *Store) CreateSession(ctx context.Context, tokenSecret string, ttl time.Duration) (secret, csrf string, sess Session, err error) {
	t, err := s.Authenticate(ctx, tokenSecret)
	if err != nil {
		return "", "", Session{}, err
	}
	if secret, err = randomSecret("mds_"); err != nil {
		return "", "", Session{}, err
	}
	if csrf, err = randomSecret(""); err != nil {
		return "", "", Session{}, err
	}
	sess = Session{Token: t, Expires: s.Now().Add(ttl).UTC(), csrf: digest([]byte(csrf))}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO sessions (hash, token_id, csrf, created, expires) VALUES (?, ?, ?, ?, ?)`),
			digest([]byte(secret)), t.ID, sess.csrf, s.stamp(), sess.Expires.UTC().Format(stampLayout)); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, Actor{Token: t.ID, Org: t.Org, Role: t.Role}, t.Org, "session.create", "token/"+t.ID, "", "")
	})
	return secret, csrf, sess, err
}

// Session finds the live session a cookie's secret belongs to: not
// expired, its token not revoked; else ErrNotFound.
func (s *Store) Session(ctx context.Context, secret string) (Session, error) {
	var sess Session
	var expires, created string
	var revoked sql.NullString
	err := s.db.QueryRowContext(ctx, s.q(`SELECT t.id, t.org_id, t.role, t.created, t.revoked, x.csrf, x.expires FROM sessions x JOIN tokens t ON t.id = x.token_id WHERE x.hash = ?`),
		digest([]byte(secret))).Scan(&sess.Token.ID, &sess.Token.Org, &sess.Token.Role, &created, &revoked, &sess.csrf, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	} else if err != nil {
		return Session{}, err
	}
	sess.Token.Created, sess.Expires = parseTime(created), parseTime(expires)
	if revoked.Valid || !s.Now().Before(sess.Expires) {
		return Session{}, ErrNotFound
	}
	return sess, nil
}

// EndSession logs a session out.
func (s *Store) EndSession(ctx context.Context, secret string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE hash = ?`), digest([]byte(secret)))
	return err
}
