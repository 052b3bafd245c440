package wire

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mdcheck/mdcheck/internal/testutil/seed"
)

// TestAssociateRQ: the probe's A-ASSOCIATE-RQ is byte for byte the one
// written apart from it, from PS3.8.
func TestAssociateRQ(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "dicom-associate-rq.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if got := AssociateRQ("MDCHECK-PROBE", "STORESCP"); !bytes.Equal(got, want) {
		t.Errorf("A-ASSOCIATE-RQ\n got %x\nwant %x", got, want)
	}
}

// FuzzDICOMPDU: no answer makes the PDU readers panic or read past
// their bound.
func FuzzDICOMPDU(f *testing.F) {
	seedFrom(f, "dicom-*.bin")
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, body, err := ReadPDU(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(body) > MaxPDU {
			t.Fatalf("a body of %d bytes", len(body))
		}
		switch kind {
		case PDUAssociateAC:
			AcceptAC(body)
		case PDUAssociateRJ:
			RejectReason(body)
		case PDUData:
			EchoStatus(body)
		}
	})
}

// FuzzMQTTPacket: no answer makes the MQTT reader panic or read more
// than its bound.
func FuzzMQTTPacket(f *testing.F) {
	seedFrom(f, "mqtt-*.bin")
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		kind, flags, body, err := ReadMQTTPacket(r)
		if err != nil {
			return
		}
		if len(body) > MaxMQTTPacket {
			t.Fatalf("a body of %d bytes", len(body))
		}
		if kind == MQTTPublish {
			for _, level := range []byte{4, 5} {
				PublishPayload(body, flags, level, "$SYS/broker/version")
			}
		}
		ReadConnack(bufio.NewReader(bytes.NewReader(data)), 4)
	})
}

// FuzzFTPReply: no reply makes the FTP reader panic or read past its
// bound.
func FuzzFTPReply(f *testing.F) {
	seedFrom(f, "ftp-*.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		code, lines, err := ReadFTPReply(bufio.NewReaderSize(bytes.NewReader(data), MaxFTPReply))
		if err == nil && (code < 100 || code > 599 || len(lines) == 0) {
			t.Fatalf("code %d, %d lines", code, len(lines))
		}
	})
}

// seedFrom adds the files of testdata matching pattern to f's corpus
// (seed.Files), and fails when there are none.
func seedFrom(f *testing.F, pattern string) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", pattern))
	if len(seeds) == 0 {
		f.Fatalf("no %s in testdata", pattern)
	}
	seed.Files(f, seeds...)
}

// TestMLLP: a message framed and read back; its acknowledgement read.
func TestMLLP(t *testing.T) {
	frame, err := os.ReadFile(filepath.Join("testdata", "mllp-ack.bin"))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := ReadMLLP(bufio.NewReader(bytes.NewReader(frame)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(MLLP(msg), frame) {
		t.Errorf("framed again: %q", MLLP(msg))
	}
	a, err := ReadAck(msg)
	if err != nil || a != (Ack{Application: "LABSYS", Facility: "WARD5", Version: "2.5", Code: "AA"}) {
		t.Errorf("%+v %v", a, err)
	}
	q := NMQ("MDCHECK1", "20261207101500")
	if a, err := ReadAck(q); err != nil || a.Application != "MDCHECK" || a.Version != "2.5" {
		t.Errorf("the query's own header: %+v %v", a, err)
	}
	for _, bad := range []string{"MSH|no frame\x1c\r", "\x0bMSH|^~\\&|A\x1c", "\x0b" + string(make([]byte, MaxMLLP+2))} {
		if _, err := ReadMLLP(bufio.NewReader(bytes.NewReader([]byte(bad)))); err == nil {
			t.Errorf("%.20q read", bad)
		}
	}
	if _, err := ReadAck("PID|1||123\r"); err == nil {
		t.Error("a message without MSH read as an acknowledgement")
	}
}

// FuzzMLLP: no answer makes the MLLP and acknowledgement readers panic
// or read past their bound.
func FuzzMLLP(f *testing.F) {
	seedFrom(f, "mllp-*.bin")
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := ReadMLLP(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			return
		}
		if len(msg) > MaxMLLP {
			t.Fatalf("a message of %d bytes", len(msg))
		}
		ReadAck(msg)
	})
}
