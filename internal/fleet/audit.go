package fleet

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// Record is one entry of the audit trail: who did what to which object,
// with the digests of the object before and after, chained to the
// record before it by its hash.
type Record struct {
	Seq    int64  `json:"seq"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Org    string `json:"org"`
	Action string `json:"action"`
	Object string `json:"object"`
	Before string `json:"before"`
	After  string `json:"after"`
	Prev   string `json:"prev"`
	Hash   string `json:"hash"`
}

// chainHash is the hash a record must carry: SHA-256 over its fields
// (the previous record's hash among them) in a fixed encoding.
func (r Record) chainHash() string {
	r.Hash = ""
	b, _ := json.Marshal(r)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// appendAudit appends a record in tx, chained to the head. The caller's
// transaction holds the write lock, so the head cannot move meanwhile.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, by Actor, org, action, object, before, after string) error {
	r := Record{At: s.stamp(), Actor: by.Token, Org: org, Action: action, Object: object, Before: before, After: after}
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&r.Seq, &r.Prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	r.Seq++
	r.Hash = r.chainHash()
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO audit (seq, at, actor, org_id, action, object, before_sha, after_sha, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		r.Seq, r.At, r.Actor, r.Org, r.Action, r.Object, r.Before, r.After, r.Prev, r.Hash)
	return err
}

// Checkpoint is a signed statement of the chain's head at a record.
type Checkpoint struct {
	Seq       int64  `json:"seq"`
	Head      string `json:"head"`
	At        string `json:"at"`
	Key       string `json:"key"`
	Signature string `json:"signature"`
}

func (c Checkpoint) message() []byte {
	return fmt.Appendf(nil, "mdcheck audit checkpoint\nseq %d\nhead %s\nat %s\n", c.Seq, c.Head, c.At)
}

// KeyID names a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
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
		c.At, c.Key = s.stamp(), KeyID(key.Public().(ed25519.PublicKey))
		c.Signature = sign(key, c)
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO checkpoints (seq, head, at, key, signature) VALUES (?, ?, ?, ?, ?)`), c.Seq, c.Head, c.At, c.Key, c.Signature)
		wrote = err == nil
		return err
	})
	return wrote, err
}

func sign(key ed25519.PrivateKey, c Checkpoint) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.message()))
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
	var v Verification
	heads := map[int64]string{}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, actor, org_id, action, object, before_sha, after_sha, prev, hash FROM audit ORDER BY seq`)
	if err != nil {
		return v, err
	}
	prev := ""
	for rows.Next() {
		var r Record
		if err := rows.Scan(&r.Seq, &r.At, &r.Actor, &r.Org, &r.Action, &r.Object, &r.Before, &r.After, &r.Prev, &r.Hash); err != nil {
			rows.Close()
			return v, err
		}
		v.Records++
		switch {
		case v.Problem != "":
		case r.Seq != v.Records:
			v.Problem = fmt.Sprintf("record %d: expected record %d here: records are missing", r.Seq, v.Records)
		case r.Prev != prev:
			v.Problem = fmt.Sprintf("record %d: its link to record %d does not match that record's hash", r.Seq, r.Seq-1)
		case r.chainHash() != r.Hash:
			v.Problem = fmt.Sprintf("record %d (%s %s): its content does not match its hash: it was changed", r.Seq, r.Action, r.Object)
		}
		heads[r.Seq] = r.Hash
		prev = r.Hash
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return v, err
	}
	crows, err := s.db.QueryContext(ctx, `SELECT seq, head, at, key, signature FROM checkpoints ORDER BY seq`)
	if err != nil {
		return v, err
	}
	defer crows.Close()
	for crows.Next() {
		var c Checkpoint
		if err := crows.Scan(&c.Seq, &c.Head, &c.At, &c.Key, &c.Signature); err != nil {
			return v, err
		}
		v.Checkpoints++
		if v.Problem != "" {
			continue
		}
		sig, _ := base64.StdEncoding.DecodeString(c.Signature)
		switch {
		case c.Key != KeyID(pub) || !ed25519.Verify(pub, c.message(), sig):
			v.Problem = fmt.Sprintf("checkpoint at record %d: its signature does not verify with key %s", c.Seq, KeyID(pub))
		case c.Seq > v.Records:
			v.Problem = fmt.Sprintf("checkpoint at record %d: the trail ends at record %d: records were cut from its tail", c.Seq, v.Records)
		case heads[c.Seq] != c.Head:
			v.Problem = fmt.Sprintf("record %d: differs from the signed checkpoint of the chain at that record", c.Seq)
		}
	}
	return v, crows.Err()
}
