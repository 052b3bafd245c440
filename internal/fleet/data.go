package fleet

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
)

// The vulnerability database reaches the processes that share a
// PostgreSQL store through the store itself: the process that updated
// it publishes the file, addressed by its content hash, and the others
// fetch it when the newest published hash is not theirs. The newest two
// are kept: the one before the newest is what a re-match compares the
// newest with.

// DataChannel is the channel PublishData notifies (PostgreSQL's
// NOTIFY) with the new hash.
const DataChannel = "mdcheck_data"

// dataPart is the size of one stored part of a database file.
const dataPart = 8 << 20

// DataFile is a published vulnerability database.
type DataFile struct {
	Hash   string // the content hash of its records
	SHA256 string // of the file's bytes
	Size   int64
	Parts  int
}

// PublishData stores the database file at path, whose content hash is
// hash, as the newest, unless it is already; it keeps the one before and
// deletes older ones. It reports whether it stored the file.
func (s *Store) PublishData(ctx context.Context, hash, path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	stored := false
	// Not the audit chain's lock: no audit record, and writers go on.
	err = s.txLocked(ctx, publishLock, func(tx *sql.Tx) error {
		var newest string
		if err := tx.QueryRowContext(ctx, `SELECT hash FROM data_files ORDER BY published DESC, hash LIMIT 1`).Scan(&newest); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if newest == hash {
			return nil
		}
		st := s.stamp()
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM data_files WHERE hash = ?`), hash).Scan(&n); err != nil {
			return err
		}
		if n > 0 { // published before: the newest again
			_, err := tx.ExecContext(ctx, s.q(`UPDATE data_files SET published = ? WHERE hash = ?`), st, hash)
			stored = err == nil
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO data_files (hash, sha256, size, parts, published) VALUES (?, '', ?, 0, ?)`), hash, fi.Size(), st); err != nil {
			return err
		}
		h := sha256.New()
		buf := make([]byte, dataPart)
		parts := 0
		for {
			k, err := io.ReadFull(f, buf)
			if k > 0 {
				h.Write(buf[:k])
				if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO data_parts (hash, part, body) VALUES (?, ?, ?)`), hash, parts, buf[:k]); err != nil {
					return err
				}
				parts++
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE data_files SET sha256 = ?, parts = ? WHERE hash = ?`), hex.EncodeToString(h.Sum(nil)), parts, hash); err != nil {
			return err
		}
		// Older than the two newest: no longer needed.
		if _, err := tx.ExecContext(ctx, `DELETE FROM data_files WHERE hash NOT IN (SELECT hash FROM data_files ORDER BY published DESC, hash LIMIT 2)`); err != nil {
			return err
		}
		stored = true
		return nil
	})
	if err == nil && stored && s.postgres {
		_, err = s.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, DataChannel, hash)
	}
	return stored, err
}

// PublishedData lists the published databases, newest first.
func (s *Store) PublishedData(ctx context.Context) ([]DataFile, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT hash, sha256, size, parts FROM data_files ORDER BY published DESC, hash`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (DataFile, error) {
		var d DataFile
		return d, r.Scan(&d.Hash, &d.SHA256, &d.Size, &d.Parts)
	})
}

// FetchData writes the published database d to the new file path,
// checking its size and bytes; a file that does not match is removed.
func (s *Store) FetchData(ctx context.Context, d DataFile, path string) (err error) {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	h := sha256.New()
	var size int64
	for part := range d.Parts {
		var body []byte
		if err := s.db.QueryRowContext(ctx, s.q(`SELECT body FROM data_parts WHERE hash = ? AND part = ?`), d.Hash, part).Scan(&body); err != nil {
			return fmt.Errorf("published database %s, part %d: %w", d.Hash, part, err)
		}
		size += int64(len(body))
		if size > d.Size {
			break
		}
		h.Write(body)
		if _, err := out.Write(body); err != nil {
			return err
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); size != d.Size || got != d.SHA256 {
		return fmt.Errorf("published database %s: %d bytes with SHA-256 %s, want %d bytes with %s", d.Hash, size, got, d.Size, d.SHA256)
	}
	return out.Sync()
}
