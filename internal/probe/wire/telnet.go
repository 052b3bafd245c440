package wire

import (
	"bytes"
	"fmt"
	"slices"
)

// Telnet commands (RFC 854) and the options a probe names (IANA Telnet
// options registry).
const (
	TelnetIAC  = 255
	TelnetDONT = 254
	TelnetDO   = 253
	TelnetWONT = 252
	TelnetWILL = 251
	TelnetSB   = 250
	TelnetSE   = 240

	TelnetAuthentication = 37 // RFC 2941
	TelnetEncrypt        = 38 // RFC 2946

	// Encryption suboption commands (RFC 2946).
	TelnetEncryptIs      = 0
	TelnetEncryptSupport = 1
)

var telnetOptions = map[byte]string{
	0: "BINARY", 1: "ECHO", 3: "SUPPRESS-GO-AHEAD", 5: "STATUS", 6: "TIMING-MARK",
	24: "TERMINAL-TYPE", 31: "NAWS", 32: "TERMINAL-SPEED", 33: "TOGGLE-FLOW-CONTROL",
	34: "LINEMODE", 35: "X-DISPLAY-LOCATION", 36: "ENVIRON", 37: "AUTHENTICATION",
	38: "ENCRYPT", 39: "NEW-ENVIRON", 46: "START-TLS",
}

// TelnetOption names a Telnet option ("TERMINAL-TYPE", "option 200").
func TelnetOption(o byte) string {
	if n, ok := telnetOptions[o]; ok {
		return n
	}
	return fmt.Sprintf("option %d", o)
}

// TelnetEncryptionType names an encryption type of RFC 2946's
// registry.
func TelnetEncryptionType(t byte) string {
	names := []string{"NULL", "DES_CFB64", "DES_OFB64", "DES3_CFB64", "DES3_OFB64", "", "", "", "CAST5_40_CFB64", "CAST5_40_OFB64", "CAST128_CFB64", "CAST128_OFB64", "AES_CCM"}
	if int(t) < len(names) && names[t] != "" {
		return names[t]
	}
	return fmt.Sprintf("type %d", t)
}

// TelnetCmd is an option negotiation: DO, DONT, WILL or WONT an option.
type TelnetCmd struct {
	Verb   byte
	Option byte
}

func (c TelnetCmd) String() string {
	return map[byte]string{TelnetDO: "DO", TelnetDONT: "DONT", TelnetWILL: "WILL", TelnetWONT: "WONT"}[c.Verb] + " " + TelnetOption(c.Option)
}

// TelnetSub is a subnegotiation: its option and data (IAC IAC undone).
type TelnetSub struct {
	Option byte
	Data   []byte
}

// ParseTelnet splits what a Telnet server sent into its negotiations,
// its subnegotiations and its text. A command cut off at the end is
// dropped; a subnegotiation without its end takes the rest.
func ParseTelnet(b []byte) (cmds []TelnetCmd, subs []TelnetSub, text []byte) {
	for i := 0; i < len(b); {
		if b[i] != TelnetIAC {
			text = append(text, b[i])
			i++
			continue
		}
		if i+1 >= len(b) {
			break
		}
		switch v := b[i+1]; {
		case v == TelnetIAC:
			text = append(text, TelnetIAC)
			i += 2
		case v >= TelnetWILL && v <= TelnetDONT:
			if i+2 < len(b) {
				cmds = append(cmds, TelnetCmd{v, b[i+2]})
			}
			i += 3
		case v == TelnetSB:
			if i+2 >= len(b) {
				return cmds, subs, text
			}
			s := TelnetSub{Option: b[i+2]}
			j := i + 3
			for j < len(b) && !(b[j] == TelnetIAC && j+1 < len(b) && b[j+1] == TelnetSE) {
				if b[j] == TelnetIAC && j+1 < len(b) && b[j+1] == TelnetIAC {
					j++
				}
				s.Data = append(s.Data, b[j])
				j++
			}
			subs = append(subs, s)
			i = j + 2
		default: // a two-byte command (NOP, GA, ...)
			i += 2
		}
	}
	return cmds, subs, text
}

// TelnetAnswer is a client's answer to cmds that refuses every option
// (WONT to a DO, DONT to a WILL) but those in keep, which it accepts
// (WILL to a DO, DO to a WILL); it answers each option once, as RFC 854
// asks, skipping those in answered, which it adds to.
func TelnetAnswer(cmds []TelnetCmd, keep []byte, answered map[TelnetCmd]bool) []byte {
	var out []byte
	for _, c := range cmds {
		if answered[c] || (c.Verb != TelnetDO && c.Verb != TelnetWILL) {
			continue
		}
		answered[c] = true
		yes := slices.Contains(keep, c.Option)
		verb := map[[2]bool]byte{{true, true}: TelnetWILL, {true, false}: TelnetWONT, {false, true}: TelnetDO, {false, false}: TelnetDONT}[[2]bool{c.Verb == TelnetDO, yes}]
		out = append(out, TelnetIAC, verb, c.Option)
	}
	return out
}

// TelnetText is the printable text of a Telnet server's output: control
// characters but CR, LF and TAB dropped, at most max bytes.
func TelnetText(text []byte, max int) string {
	var b bytes.Buffer
	for _, c := range text {
		if b.Len() >= max {
			break
		}
		if c >= 0x20 && c < 0x7f || c == '\r' || c == '\n' || c == '\t' {
			b.WriteByte(c)
		}
	}
	return b.String()
}
