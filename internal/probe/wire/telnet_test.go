package wire

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestParseTelnet: inetutils telnetd's negotiation reads as it was
// sent: its options, the ENCRYPT SUPPORT list it sent empty, and the
// prompt as text.
func TestParseTelnet(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "telnet-inetutils.bin"))
	if err != nil {
		t.Fatal(err)
	}
	cmds, subs, text := ParseTelnet(b)
	var got []string
	for _, c := range cmds {
		got = append(got, c.String())
	}
	want := []string{"WILL AUTHENTICATION", "WILL ENCRYPT", "DO TERMINAL-TYPE", "DO TERMINAL-SPEED", "DO X-DISPLAY-LOCATION", "DO NEW-ENVIRON", "DO ENVIRON",
		"DO ENCRYPT", "WILL SUPPRESS-GO-AHEAD", "DO ECHO", "DO LINEMODE", "DO NAWS", "WILL STATUS", "DO TOGGLE-FLOW-CONTROL", "WILL ECHO", "DO TIMING-MARK", "DO BINARY"}
	if !slices.Equal(got, want) {
		t.Errorf("commands\n got %q\nwant %q", got, want)
	}
	if len(subs) != 1 || subs[0].Option != TelnetEncrypt || !bytes.Equal(subs[0].Data, []byte{TelnetEncryptSupport}) {
		t.Errorf("subnegotiations: %+v", subs)
	}
	if string(text) != "login: " {
		t.Errorf("text %q", text)
	}
}

// TestTelnetAnswer: every option is refused but those kept, which are
// accepted, each answered once; IAC IAC is a data byte, and a
// subnegotiation's doubled IAC is undone.
func TestTelnetAnswer(t *testing.T) {
	cmds, subs, text := ParseTelnet([]byte{TelnetIAC, TelnetDO, 24, TelnetIAC, TelnetWILL, 1, TelnetIAC, TelnetDO, TelnetEncrypt, TelnetIAC, TelnetDO, 24, 'a', TelnetIAC, TelnetIAC, 'b',
		TelnetIAC, TelnetSB, TelnetEncrypt, TelnetEncryptSupport, 1, TelnetIAC, TelnetIAC, TelnetIAC, TelnetSE, '!'})
	answered := map[TelnetCmd]bool{}
	got := TelnetAnswer(cmds, []byte{TelnetEncrypt}, answered)
	want := []byte{TelnetIAC, TelnetWONT, 24, TelnetIAC, TelnetDONT, 1, TelnetIAC, TelnetWILL, TelnetEncrypt}
	if !bytes.Equal(got, want) {
		t.Errorf("answer % x, want % x", got, want)
	}
	if again := TelnetAnswer(cmds, nil, answered); len(again) != 0 {
		t.Errorf("answered twice: % x", again)
	}
	if string(text) != "a\xffb!" || len(subs) != 1 || !bytes.Equal(subs[0].Data, []byte{TelnetEncryptSupport, 1, TelnetIAC}) {
		t.Errorf("text %q, subs %+v", text, subs)
	}
	if TelnetEncryptionType(1) != "DES_CFB64" || TelnetEncryptionType(99) != "type 99" || TelnetOption(200) != "option 200" {
		t.Error("names")
	}
	if s := TelnetText([]byte("\x1b[2Jlogin:\x00 "), 100); s != "[2Jlogin: " {
		t.Errorf("text %q", s)
	}
}

// FuzzTelnet: whatever a server sends splits and is answered without
// panic, and no answer is longer than three bytes per command.
func FuzzTelnet(f *testing.F) {
	seedFrom(f, "telnet-*.bin")
	f.Fuzz(func(t *testing.T, b []byte) {
		cmds, subs, text := ParseTelnet(b)
		if len(text) > len(b) || len(cmds)*3 > len(b) || len(subs)*3 > len(b) {
			t.Fatalf("%d commands, %d subnegotiations, %d text bytes from %d bytes", len(cmds), len(subs), len(text), len(b))
		}
		if a := TelnetAnswer(cmds, []byte{TelnetEncrypt}, map[TelnetCmd]bool{}); len(a) > 3*len(cmds) {
			t.Fatalf("an answer of %d bytes to %d commands", len(a), len(cmds))
		}
		TelnetText(text, 4096)
	})
}
