package probe

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mdcheck/mdcheck/internal/probe/wire"
)

// Telnet is what a probe learned of a Telnet server by answering its
// option negotiation as a client that wants no option but encryption,
// up to its first prompt; it never logs in.
type Telnet struct {
	// Negotiated are the options the server asked for or offered, in
	// order ("DO TERMINAL-TYPE", "WILL ENCRYPT").
	Negotiated []string `json:"negotiated"`
	// EncryptOption is set when the server offered or accepted the
	// ENCRYPT option (RFC 2946); EncryptionTypes are the types its
	// SUPPORT list names (an empty list encrypts nothing).
	EncryptOption   bool     `json:"encryptOption"`
	EncryptionTypes []string `json:"encryptionTypes"`
	// Authentication is set when it offered or asked for the
	// AUTHENTICATION option (RFC 2941).
	Authentication bool `json:"authentication"`
	// Prompt is the last line of text it sent (at most 200 bytes);
	// Login is set when that line asks for a user name or password,
	// Shell when it looks like a command prompt instead.
	Prompt string   `json:"prompt"`
	Login  bool     `json:"login"`
	Shell  bool     `json:"shell"`
	Weak   []string `json:"weak"`
}

var (
	loginPrompt = regexp.MustCompile(`(?i)(login|user ?name|user|password|passcode|pin)\s*[:>]?\s*$`)
	shellPrompt = regexp.MustCompile(`[#$%>]\s*$`)
)

// telnetRounds bounds the negotiation: servers ask a few rounds of
// options before their prompt.
const telnetRounds = 6

// probeTelnet answers the negotiation of the Telnet server at ap on a
// connection of its own: every option refused but ENCRYPT, which the
// probe offers so that the server lists the encryption types it
// supports; it reads up to the server's first prompt and closes.
func probeTelnet(ctx context.Context, g *guard, ap netip.AddrPort) (*Telnet, []int) {
	var seqs []int
	t := &Telnet{Negotiated: []string{}, EncryptionTypes: []string{}, Weak: []string{}}
	var text []byte
	err := g.exchange(ctx, ap, &seqs, func(nc net.Conn) error {
		answered := map[wire.TelnetCmd]bool{}
		for round := range telnetRounds {
			b := burst(nc, 300*time.Millisecond, min(bannerWait, g.lim.Timeout))
			cmds, subs, more := wire.ParseTelnet(b)
			text = append(text, more...)
			for _, c := range cmds {
				if s := c.String(); !slices.Contains(t.Negotiated, s) && (c.Verb == wire.TelnetDO || c.Verb == wire.TelnetWILL) {
					t.Negotiated = append(t.Negotiated, s)
				}
				switch {
				case c.Option == wire.TelnetEncrypt && (c.Verb == wire.TelnetDO || c.Verb == wire.TelnetWILL):
					t.EncryptOption = true
				case c.Option == wire.TelnetAuthentication && (c.Verb == wire.TelnetDO || c.Verb == wire.TelnetWILL):
					t.Authentication = true
				}
			}
			for _, s := range subs {
				if s.Option == wire.TelnetEncrypt && len(s.Data) > 0 && s.Data[0] == wire.TelnetEncryptSupport {
					for _, x := range s.Data[1:] {
						t.EncryptionTypes = append(t.EncryptionTypes, wire.TelnetEncryptionType(x))
					}
				}
			}
			answer := wire.TelnetAnswer(cmds, []byte{wire.TelnetEncrypt}, answered)
			if round == 0 && !answered[wire.TelnetCmd{Verb: wire.TelnetDO, Option: wire.TelnetEncrypt}] {
				// Offer encryption: a server that can encrypt answers DO
				// ENCRYPT and lists the types it supports.
				answered[wire.TelnetCmd{Verb: wire.TelnetDO, Option: wire.TelnetEncrypt}] = true
				answer = append(answer, wire.TelnetIAC, wire.TelnetWILL, wire.TelnetEncrypt)
			}
			if len(answer) > 0 {
				if _, err := nc.Write(answer); err != nil {
					return err
				}
			}
			if len(answer) == 0 || strings.TrimSpace(wire.TelnetText(text, 4096)) != "" {
				break // nothing more asked, or the prompt came
			}
		}
		return nil
	})
	if err != nil && len(t.Negotiated) == 0 && len(text) == 0 {
		return nil, seqs
	}
	lines := strings.Split(strings.TrimRight(wire.TelnetText(text, 4096), "\r\n"), "\n")
	last := lines[len(lines)-1]
	t.Prompt = strings.TrimSpace(last[:min(len(last), 200)])
	t.Login = t.Prompt != "" && loginPrompt.MatchString(t.Prompt)
	t.Shell = t.Prompt != "" && !t.Login && shellPrompt.MatchString(t.Prompt)
	t.Weak = append(t.Weak, "Telnet: the session, and any login, crosses the network in the clear")
	if len(t.EncryptionTypes) > 0 {
		t.Weak = append(t.Weak, "offers only legacy Telnet encryption (RFC 2946): "+strings.Join(t.EncryptionTypes, ", "))
	}
	if t.Shell {
		t.Weak = append(t.Weak, fmt.Sprintf("opened a session without asking for a login (prompt %q)", t.Prompt))
	}
	return t, seqs
}

// burst reads what the peer sends until it falls quiet for quiet, at
// most 4 KiB and total.
func burst(nc net.Conn, quiet, total time.Duration) []byte {
	end := time.Now().Add(total)
	buf := make([]byte, 0, 4096)
	wait := total
	for len(buf) < cap(buf) && time.Now().Before(end) {
		nc.SetReadDeadline(time.Now().Add(min(wait, time.Until(end))))
		n, err := nc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			break
		}
		wait = quiet // once it spoke, a pause ends the burst
	}
	return buf
}
