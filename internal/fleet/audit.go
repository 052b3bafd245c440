package fleet

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"

	"github.com/mdcheck/mdcheck/internal/fleet/auditchain"
)

// Record is one entry of the audit trail; Checkpoint a signed statement
// of the chain's head at a record (package auditchain).
type (
	Record     = auditchain.Record
	Checkpoint = auditchain.Checkpoint
)

// KeyID names a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string { return auditchain.KeyID(pub) }

// appendAudit appends a record in tx, chained to the head. The caller's
// transaction holds the write lock, so the head cannot move meanwhile;
// a transaction of txShared's holds the record until it takes the
// chain's lock.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, by Actor, org, action, object, before, after string) error {
	r := Record{Actor: by.Token, Org: org, Action: action, Object: object, Before: before, After: after}
	if held, ok := s.chained.Load(tx); ok {
		rs := held.(*[]Record)
		*rs = append(*rs, r)
		return nil
	}
	return s.chain(ctx, tx, r)
}

// chain appends r in tx after the chain's head, stamped now.
func (s *Store) chain(ctx context.Context, tx *sql.Tx, r Record) error {
	r.At = s.stamp()
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&r.Seq, &r.Prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	r.Seq++
	r.Hash = r.ChainHash()
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO audit (seq, at, actor, org_id, action, object, before_sha, after_sha, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		r.Seq, r.At, r.Actor, r.Org, r.Action, r.Object, r.Before, r.After, r.Prev, r.Hash)
	return err
}

// Checkpoint signs the chain's head with key, unless the newest
// checkpoint already covers it; it reports whether it wrote one.
func (s *Store) Checkpoint(ctx context.Context, key ed25519.PrivateKey) (bool, error) {
	wrote := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var c Checkpoint
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&c.Seq, &c.Head)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM checkpoints`).Scan(&last); err != nil {
			return err
		}
		if last >= c.Seq {
			return nil
		}
		c.At = s.stamp()
		c.Sign(key)
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO checkpoints (seq, head, at, key, signature) VALUES (?, ?, ?, ?, ?)`), c.Seq, c.Head, c.At, c.Key, c.Signature)
		wrote = err == nil
		return err
	})
	return wrote, err
}

// Verification is what verifying the audit trail found.
type Verification struct {
	Records     int64 `json:"records"`
	Checkpoints int   `json:"checkpoints"`
	// Problem names the first thing wrong, with the record or checkpoint
	// it is in; "" when the trail is intact.
	Problem string `json:"problem,omitempty"`
}

// Verify checks the audit trail: every record's hash and its link to the
// one before, sequence numbers without gaps, and each checkpoint's
// signature (with pub) and head, so that a record rewritten, removed or
// cut from the tail after a checkpoint is found. It names the first bad
// record.
func (s *Store) Verify(ctx context.Context, pub ed25519.PublicKey) (Verification, error) {
	v := auditchain.Verifier{Pub: pub}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, actor, org_id, action, object, before_sha, after_sha, prev, hash FROM audit ORDER BY seq`)
	if err != nil {
		return Verification{}, err
	}
	for rows.Next() {
		var r Record
		if err := rows.Scan(&r.Seq, &r.At, &r.Actor, &r.Org, &r.Action, &r.Object, &r.Before, &r.After, &r.Prev, &r.Hash); err != nil {
			rows.Close()
			return Verification{}, err
		}
		v.Record(r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Verification{}, err
	}
	crows, err := s.db.QueryContext(ctx, `SELECT seq, head, at, key, signature FROM checkpoints ORDER BY seq`)
	if err != nil {
		return Verification{}, err
	}
	defer crows.Close()
	for crows.Next() {
		var c Checkpoint
		if err := crows.Scan(&c.Seq, &c.Head, &c.At, &c.Key, &c.Signature); err != nil {
			return Verification{}, err
		}
		v.Checkpoint(c)
	}
	return Verification{Records: v.Records, Checkpoints: v.Checkpoints, Problem: v.Problem}, crows.Err()
}
