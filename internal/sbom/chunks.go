package sbom

// chunks collects values of unknown number without regrowing one large
// slice: each value is allocated once in a chunk, and the result once at
// its exact size.
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

// next appends a zero value and returns it to be filled in.
func (c *chunks[T]) next() *T {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, min(max(2*cap(c.cur), 16), 4096))
	}
	c.cur = append(c.cur, *new(T))
	c.n++
	return &c.cur[len(c.cur)-1]
}

// slice returns the values in order, nil when there are none.
func (c *chunks[T]) slice() []T {
	if c.n == 0 {
		return nil
	}
	out := make([]T, 0, c.n)
	for _, f := range c.full {
		out = append(out, f...)
	}
	return append(out, c.cur...)
}
