package sbom

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sync"
)

// Cache keeps parsed SBOMs by the SHA-256 of their bytes, the least
// recently used going first once their parsed forms weigh more than the
// cache's bound: the units of one model, or the devices of one firmware
// release, share an SBOM, and a fleet assessed again after an advisory
// import parses it once. It is safe for concurrent use; a nil *Cache
// keeps nothing.
type Cache struct {
	max int64

	mu     sync.Mutex
	weight int64
	order  *list.List // of *cached, most recently used first
	byHash map[string]*list.Element
}

type cached struct {
	hash   string
	doc    *Document
	weight int64
}

// NewCache returns a cache holding parsed documents up to max bytes (an
// estimate of their size in memory); a document heavier than a quarter
// of that is never kept.
func NewCache(max int64) *Cache {
	return &Cache{max: max, order: list.New(), byHash: map[string]*list.Element{}}
}

// Read is an SBOM file read through a Cache.
type Read struct {
	// Doc is the document: the caller's own copy of its components,
	// free to change; the rest of it is shared and never changed.
	Doc *Document
	// SHA256 (hex) and Size are the file's, known whenever the file
	// could be read, even when it is not an SBOM.
	SHA256 string
	Size   int64
}

// ReadFile reads the SBOM in file as ReadFile does, parsing it only when
// no file of the same bytes was parsed before.
func (c *Cache) ReadFile(file string) (Read, error) {
	data, err := readBytes(file)
	if err != nil {
		return Read{}, err
	}
	sum := sha256.Sum256(data)
	r := Read{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	r.Doc, err = c.Parse(r.SHA256, file, data)
	return r, err
}

// Parse is the document of data, the bytes of file whose SHA-256 (hex)
// the caller knows to be hash: parsed, or the one parsed before.
func (c *Cache) Parse(hash, file string, data []byte) (*Document, error) {
	if doc := c.Lookup(hash, file); doc != nil {
		return doc, nil
	}
	doc, err := Parse(file, data)
	if err != nil {
		return nil, err
	}
	c.put(hash, doc)
	return doc.Clone(file), nil
}

// Lookup is the document of the bytes whose SHA-256 (hex) is hash, named
// file, when the cache holds it (the caller's own copy, as ReadFile
// gives); nil otherwise.
func (c *Cache) Lookup(hash, file string) *Document {
	if doc := c.get(hash); doc != nil {
		return doc.Clone(file)
	}
	return nil
}

// Clone is a copy of doc named file whose components its holder may
// change; the rest of it is shared.
func (doc *Document) Clone(file string) *Document {
	cp := *doc
	cp.File = file
	cp.Components = slices.Clone(doc.Components)
	return &cp
}

func (c *Cache) get(hash string) *Document {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byHash[hash]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached).doc
}

func (c *Cache) put(hash string, doc *Document) {
	if c == nil {
		return
	}
	w := weigh(doc)
	if w > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byHash[hash]; ok {
		return
	}
	c.byHash[hash] = c.order.PushFront(&cached{hash, doc, w})
	c.weight += w
	for c.weight > c.max {
		last := c.order.Back()
		x := last.Value.(*cached)
		c.order.Remove(last)
		delete(c.byHash, x.hash)
		c.weight -= x.weight
	}
}

// Len is how many documents the cache holds, and their weight.
func (c *Cache) Len() (int, int64) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byHash), c.weight
}

// weigh estimates the bytes doc holds in memory: its strings and the
// headers of its structures.
func weigh(doc *Document) int64 {
	const str, slice = 16, 24
	n := int64(256 + len(doc.File) + len(doc.Format) + len(doc.SpecVersion) + len(doc.Encoding) + len(doc.Subject) + len(doc.Timestamp))
	for _, s := range slices.Concat(doc.Authors, doc.Tools) {
		n += str + int64(len(s))
	}
	for _, c := range doc.Components {
		n += 10*str + slice + 8 + int64(len(c.Ref)+len(c.Type)+len(c.Group)+len(c.Name)+len(c.Version)+len(c.Supplier)+len(c.PURL)+len(c.Parent)+len(c.SupportLevel)+len(c.EndOfSupport))
		for _, p := range c.CPEs {
			n += str + int64(len(p))
		}
	}
	for k, vs := range doc.Dependencies {
		n += 48 + str + slice + int64(len(k))
		for _, v := range vs {
			n += str + int64(len(v))
		}
	}
	for _, w := range doc.Warnings {
		n += 2*str + int64(len(w.Where)+len(w.Msg))
	}
	return n
}
