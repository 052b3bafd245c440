package passive

import (
	"encoding/binary"
	"net/netip"
)

// segment is a TCP segment or UDP datagram of a packet. Checksums are
// not checked: captures taken on the sending host carry zero or wrong
// ones when the network card computes them.
type segment struct {
	src, dst netip.AddrPort
	udp      bool
	syn, ack bool
	seq      uint32
	payload  []byte
}

// decode reads the IP packet inside a frame of link type link, and the
// TCP or UDP inside it; false when it holds neither (ARP, ICMP, a later
// IP fragment, a frame cut short).
func decode(link uint32, b []byte) (segment, bool) {
	var ethertype uint16
	switch link {
	case LinkEthernet:
		if len(b) < 14 {
			return segment{}, false
		}
		ethertype, b = binary.BigEndian.Uint16(b[12:]), b[14:]
		for (ethertype == 0x8100 || ethertype == 0x88a8) && len(b) >= 4 { // VLAN tags
			ethertype, b = binary.BigEndian.Uint16(b[2:]), b[4:]
		}
	case LinkSLL:
		if len(b) < 16 {
			return segment{}, false
		}
		ethertype, b = binary.BigEndian.Uint16(b[14:]), b[16:]
	case LinkSLL2:
		if len(b) < 20 {
			return segment{}, false
		}
		ethertype, b = binary.BigEndian.Uint16(b), b[20:]
	case LinkNull, LinkLoop:
		if len(b) < 4 {
			return segment{}, false
		}
		b = b[4:] // the address family, in the capturing host's byte order
		ethertype = 0
	case LinkRaw, LinkIPv4, LinkIPv6:
	default:
		return segment{}, false
	}
	if ethertype == 0 { // the version nibble says
		if len(b) == 0 {
			return segment{}, false
		}
		ethertype = map[byte]uint16{4: 0x0800, 6: 0x86dd}[b[0]>>4]
	}
	var s segment
	var proto byte
	var src, dst netip.Addr
	switch ethertype {
	case 0x0800:
		if len(b) < 20 || b[0]>>4 != 4 {
			return s, false
		}
		ihl := int(b[0]&0x0f) * 4
		total := int(binary.BigEndian.Uint16(b[2:]))
		if ihl < 20 || len(b) < ihl {
			return s, false
		}
		if binary.BigEndian.Uint16(b[6:])&0x1fff != 0 {
			return s, false // a later fragment: no transport header
		}
		if total >= ihl && total < len(b) { // trailing padding; a total of 0 is TSO
			b = b[:total]
		}
		proto, src, dst = b[9], netip.AddrFrom4([4]byte(b[12:16])), netip.AddrFrom4([4]byte(b[16:20]))
		b = b[ihl:]
	case 0x86dd:
		if len(b) < 40 {
			return s, false
		}
		plen := int(binary.BigEndian.Uint16(b[4:]))
		proto, src, dst = b[6], netip.AddrFrom16([16]byte(b[8:24])), netip.AddrFrom16([16]byte(b[24:40]))
		b = b[40:]
		if plen > 0 && plen < len(b) {
			b = b[:plen]
		}
		for i := 0; i < 8; i++ { // extension headers
			switch proto {
			case 0, 43, 60: // hop-by-hop, routing, destination options
				if len(b) < 8 || len(b) < (int(b[1])+1)*8 {
					return s, false
				}
				proto, b = b[0], b[(int(b[1])+1)*8:]
				continue
			case 44: // fragment
				if len(b) < 8 || binary.BigEndian.Uint16(b[2:])&0xfff8 != 0 {
					return s, false
				}
				proto, b = b[0], b[8:]
				continue
			}
			break
		}
	default:
		return s, false
	}
	switch proto {
	case 6:
		if len(b) < 20 {
			return s, false
		}
		off := int(b[12]>>4) * 4
		if off < 20 || len(b) < off {
			return s, false
		}
		s.src = netip.AddrPortFrom(src.Unmap(), binary.BigEndian.Uint16(b))
		s.dst = netip.AddrPortFrom(dst.Unmap(), binary.BigEndian.Uint16(b[2:]))
		s.seq, s.syn, s.ack = binary.BigEndian.Uint32(b[4:]), b[13]&0x02 != 0, b[13]&0x10 != 0
		s.payload = b[off:]
	case 17:
		if len(b) < 8 {
			return s, false
		}
		s.udp = true
		s.src = netip.AddrPortFrom(src.Unmap(), binary.BigEndian.Uint16(b))
		s.dst = netip.AddrPortFrom(dst.Unmap(), binary.BigEndian.Uint16(b[2:]))
		s.payload = b[8:]
		if n := int(binary.BigEndian.Uint16(b[4:])); n >= 8 && n-8 < len(s.payload) {
			s.payload = s.payload[:n-8]
		}
	default:
		return s, false
	}
	return s, true
}
