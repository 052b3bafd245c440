// Package passive reads a network capture (pcap or pcapng) and tells
// what the units in it serve and expose, without sending anything: the
// services each server port speaks, the TLS versions and suites
// negotiated, and the protocols, credentials and health data that
// crossed in the clear (where and in which packet, never the secret
// itself). It opens no socket; it reads what it is given.
package passive

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Bounds of what is read.
const (
	// MaxPacket bounds one packet's captured length.
	MaxPacket = 256 << 10
	// maxBlock bounds a pcapng block (a packet and its options).
	maxBlock = MaxPacket + 64<<10
)

// Packet is one captured packet: its number in the capture (from 1),
// time, link type and bytes.
type Packet struct {
	Num  int
	Time time.Time
	Link uint32
	Data []byte
}

// Link types read (tcpdump.org/linktypes.html).
const (
	LinkNull     = 0
	LinkEthernet = 1
	LinkRaw      = 101
	LinkSLL      = 113
	LinkLoop     = 108
	LinkIPv4     = 228
	LinkIPv6     = 229
	LinkSLL2     = 276
)

// reader reads packets of a pcap or pcapng capture.
type reader struct {
	r      *bufio.Reader
	format string
	off    int64 // bytes read so far
	n      int   // packets read
	// pcap
	order binary.ByteOrder
	nano  bool
	link  uint32
	// pcapng: each section's byte order and interfaces' link types and
	// time resolutions
	ifaces []iface
}

type iface struct {
	link uint32
	res  float64 // seconds per unit of timestamp
}

// newReader reads the capture's header: pcap (either byte order,
// microsecond or nanosecond) or a pcapng section header.
func newReader(r io.Reader) (*reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	rd := &reader{r: br}
	magic, err := br.Peek(4)
	if err != nil {
		return nil, errors.New("offset 0: not a capture: fewer than 4 bytes")
	}
	switch m := binary.LittleEndian.Uint32(magic); m {
	case 0xa1b2c3d4, 0xa1b23c4d:
		rd.order, rd.nano = binary.LittleEndian, m == 0xa1b23c4d
	case 0xd4c3b2a1, 0x4d3cb2a1:
		rd.order, rd.nano = binary.BigEndian, m == 0x4d3cb2a1
	case 0x0a0d0d0a:
		rd.format = "pcapng"
		return rd, nil
	default:
		return nil, fmt.Errorf("offset 0: not a capture: magic %08x is neither pcap's nor pcapng's", m)
	}
	rd.format = "pcap"
	var hdr [24]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, errors.New("offset 0: the pcap header is cut short")
	}
	rd.off = 24
	rd.link = rd.order.Uint32(hdr[20:]) & 0x0fffffff
	return rd, nil
}

// next returns the next packet, io.EOF at the end.
func (rd *reader) next() (*Packet, error) {
	if rd.format == "pcap" {
		return rd.nextPcap()
	}
	for {
		p, err := rd.nextBlock()
		if p != nil || err != nil {
			return p, err
		}
	}
}

func (rd *reader) nextPcap() (*Packet, error) {
	var hdr [16]byte
	at := rd.off
	if _, err := io.ReadFull(rd.r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("offset %d: packet %d: its record header is cut short", at, rd.n+1)
	}
	incl := rd.order.Uint32(hdr[8:])
	if incl > MaxPacket {
		return nil, fmt.Errorf("offset %d: packet %d: a captured length of %d bytes, more than %d", at, rd.n+1, incl, MaxPacket)
	}
	data := make([]byte, incl)
	if _, err := io.ReadFull(rd.r, data); err != nil {
		return nil, fmt.Errorf("offset %d: packet %d: cut short (%d bytes announced)", at, rd.n+1, incl)
	}
	rd.off += 16 + int64(incl)
	rd.n++
	sec, frac := int64(rd.order.Uint32(hdr[0:])), int64(rd.order.Uint32(hdr[4:]))
	if !rd.nano {
		frac *= 1000
	}
	return &Packet{Num: rd.n, Time: time.Unix(sec, frac).UTC(), Link: rd.link, Data: data}, nil
}

// nextBlock reads one pcapng block: a packet, or nil for a block that
// holds none (section and interface descriptions, statistics, ...).
func (rd *reader) nextBlock() (*Packet, error) {
	at := rd.off
	var hdr [8]byte
	if _, err := io.ReadFull(rd.r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("offset %d: a block header cut short", at)
	}
	typ := binary.LittleEndian.Uint32(hdr[:])
	if typ == 0x0a0d0d0a { // a section header: its byte-order magic says how to read the rest
		bom, err := rd.r.Peek(4)
		if err != nil {
			return nil, fmt.Errorf("offset %d: a section header cut short", at)
		}
		switch binary.LittleEndian.Uint32(bom) {
		case 0x1a2b3c4d:
			rd.order = binary.LittleEndian
		case 0x4d3c2b1a:
			rd.order = binary.BigEndian
		default:
			return nil, fmt.Errorf("offset %d: a section header with an unknown byte-order magic", at)
		}
		rd.ifaces = nil
	}
	if rd.order == nil {
		return nil, fmt.Errorf("offset %d: a block before the first section header", at)
	}
	typ = rd.order.Uint32(hdr[:])
	n := rd.order.Uint32(hdr[4:])
	if n < 12 || n%4 != 0 || n > maxBlock {
		return nil, fmt.Errorf("offset %d: a block of %d bytes (12 to %d, a multiple of 4)", at, n, maxBlock)
	}
	body := make([]byte, n-8)
	if _, err := io.ReadFull(rd.r, body); err != nil {
		return nil, fmt.Errorf("offset %d: a block of %d bytes cut short", at, n)
	}
	rd.off += int64(n)
	body = body[:len(body)-4] // the trailing length
	switch typ {
	case 1: // interface description
		if len(body) < 8 {
			return nil, fmt.Errorf("offset %d: an interface description cut short", at)
		}
		rd.ifaces = append(rd.ifaces, iface{link: uint32(rd.order.Uint16(body)), res: tsresol(body[8:], rd.order)})
	case 6, 3: // enhanced and simple packet blocks
		p := &Packet{Num: rd.n + 1}
		var data []byte
		var ifc iface
		if typ == 6 {
			if len(body) < 20 {
				return nil, fmt.Errorf("offset %d: packet %d: its block is cut short", at, p.Num)
			}
			id, caplen := rd.order.Uint32(body), rd.order.Uint32(body[12:])
			if int(id) >= len(rd.ifaces) {
				return nil, fmt.Errorf("offset %d: packet %d: on interface %d, which no block describes", at, p.Num, id)
			}
			if caplen > uint32(len(body)-20) {
				return nil, fmt.Errorf("offset %d: packet %d: %d bytes captured in a block of %d", at, p.Num, caplen, n)
			}
			ifc, data = rd.ifaces[id], body[20:20+caplen]
			ts := uint64(rd.order.Uint32(body[4:]))<<32 | uint64(rd.order.Uint32(body[8:]))
			secs := float64(ts) * ifc.res
			p.Time = time.Unix(int64(secs), int64((secs-float64(int64(secs)))*1e9)).UTC()
		} else {
			if len(rd.ifaces) == 0 || len(body) < 4 {
				return nil, fmt.Errorf("offset %d: packet %d: a simple packet block without an interface", at, p.Num)
			}
			ifc, data = rd.ifaces[0], body[4:]
		}
		rd.n++
		p.Link, p.Data = ifc.link, data
		return p, nil
	}
	return nil, nil
}

// tsresol reads an interface's if_tsresol option: the units of its
// timestamps (microseconds when absent).
func tsresol(opts []byte, order binary.ByteOrder) float64 {
	for len(opts) >= 4 {
		code, n := order.Uint16(opts), int(order.Uint16(opts[2:]))
		if code == 0 || 4+n > len(opts) {
			break
		}
		if code == 9 && n >= 1 {
			v := opts[4]
			if v&0x80 != 0 {
				return 1 / float64(uint64(1)<<min(v&0x7f, 63))
			}
			r := 1.0
			for range min(v, 18) {
				r /= 10
			}
			return r
		}
		opts = opts[4+(n+3)&^3:]
	}
	return 1e-6
}
