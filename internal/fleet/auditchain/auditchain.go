// Package auditchain is the fleet's audit trail as a hash chain: its
// records' hashes, the signed checkpoints of its head, and the check of
// a trail read in order. The store keeps the trail; this package says
// what makes it intact.
package auditchain

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
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

// ChainHash is the hash a record must carry: SHA-256 over its fields
// (the previous record's hash among them) in a fixed encoding.
func (r Record) ChainHash() string {
	r.Hash = ""
	b, _ := json.Marshal(r)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
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

// Sign sets the checkpoint's key and signature with key.
func (c *Checkpoint) Sign(key ed25519.PrivateKey) {
	c.Key = KeyID(key.Public().(ed25519.PublicKey))
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.message()))
}

// KeyID names a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// Verifier checks a trail read in order: its records (Record), then its
// checkpoints (Checkpoint). Problem names the first thing wrong, with
// the record or checkpoint it is in; "" while the trail is intact.
type Verifier struct {
	Pub         ed25519.PublicKey
	Records     int64
	Checkpoints int
	Problem     string
	prev        string
	heads       map[int64]string
}

// Record checks the next record: its sequence number follows the one
// before without a gap, it links to that record's hash, and its content
// matches its own hash.
func (v *Verifier) Record(r Record) {
	v.Records++
	switch {
	case v.Problem != "":
	case r.Seq != v.Records:
		v.Problem = fmt.Sprintf("record %d: expected record %d here: records are missing", r.Seq, v.Records)
	case r.Prev != v.prev:
		v.Problem = fmt.Sprintf("record %d: its link to record %d does not match that record's hash", r.Seq, r.Seq-1)
	case r.ChainHash() != r.Hash:
		v.Problem = fmt.Sprintf("record %d (%s %s): its content does not match its hash: it was changed", r.Seq, r.Action, r.Object)
	}
	if v.heads == nil {
		v.heads = map[int64]string{}
	}
	v.heads[r.Seq] = r.Hash
	v.prev = r.Hash
}

// Checkpoint checks the next checkpoint, after every record: its
// signature verifies with Pub, and the record it names is there with
// the head it signed, so that records rewritten, removed or cut from the
// tail after it are found.
func (v *Verifier) Checkpoint(c Checkpoint) {
	v.Checkpoints++
	if v.Problem != "" {
		return
	}
	sig, _ := base64.StdEncoding.DecodeString(c.Signature)
	switch {
	case c.Key != KeyID(v.Pub) || !ed25519.Verify(v.Pub, c.message(), sig):
		v.Problem = fmt.Sprintf("checkpoint at record %d: its signature does not verify with key %s", c.Seq, KeyID(v.Pub))
	case c.Seq > v.Records:
		v.Problem = fmt.Sprintf("checkpoint at record %d: the trail ends at record %d: records were cut from its tail", c.Seq, v.Records)
	case v.heads[c.Seq] != c.Head:
		v.Problem = fmt.Sprintf("record %d: differs from the signed checkpoint of the chain at that record", c.Seq)
	}
}
