// Package probecmd is the command line's probe command, kept apart from
// internal/cli as the server's commands are: it parses what the operator
// says, calls the core's Probe and hands the result to a renderer.
package probecmd

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/atomicfile"
	"github.com/mdcheck/mdcheck/internal/render"
)

// Command is mdcheck probe, writing to stdout; build stamps the output.
func Command(stdout io.Writer, build app.BuildInfo) *cobra.Command {
	var o app.ProbeOptions
	var rate, fmtName, outFile, transcript string
	c := &cobra.Command{
		Use:   "probe TARGET...",
		Short: "Probe live units on the network, safely and only inside the scope",
		Long: `probe checks live units on the network: which TCP ports of the
common medical services (or --ports) answer, and what each service says
unasked (its greeting), from which it names the service with a
confidence. TARGETs are addresses, networks (CIDR, at most 1,024
addresses) or host names.

--model FILE adds the ports the device model declares. mdcheck check
--probe-results FILE then compares what the probe saw with the model.

--scope is required: the networks (CIDR) or addresses the probe may
reach. A target outside it is refused before any packet is sent; a host
name's addresses are checked after it is resolved, and those outside the
scope refused; every connection is checked again before it is opened.

On TLS services it lists every version from SSL 3.0 to TLS 1.3 and
every cipher suite accepted (legacy ones included, by IANA name), secure
renegotiation, compression, OCSP stapling and the certificate, and names
each weakness. On SSH services it lists the algorithms offered and
whether passwords are allowed, sending no credential. On MQTT brokers
it learns whether a client without credentials is let in, on DICOM
services whether an association from an AE title they cannot know is
accepted (and C-ECHO). Telnet servers get refusals of their options and
an offer of encryption, which shows the encryption types they support
and their login prompt; the probe never types anything. On UDP 161 (--udp-ports) it asks for SNMPv3
engine discovery, which carries no credential, and with
--allow-credential-tests reads the system group under the communities
public and private. HL7 listeners get no HL7 message unless
--hl7-query, under the standard profile, allows one harmless query. On web services
it reads the page (redirects followed only inside the scope): security
headers, cookies, login forms in cleartext, default pages, and a FHIR
CapabilityStatement readable without authentication.

Profiles (docs/probe.md): safe (the default, for fragile devices) opens
one connection at a time per host, at most 2 new ones a second to a host
and 5 in all, sends no malformed input and no credential (unless
--allow-credential-tests: FTP's anonymous login, SNMP's public and
private communities), and sends
nothing but well-formed messages of the protocol a service has shown it
speaks (TLS ClientHellos to the ports of TLS services, SSH's opening to
SSH servers, GET requests to the ports of web services, an MQTT CONNECT
without credentials to the ports of MQTT brokers, one DICOM association
request, C-ECHO and release to the ports of DICOM services, an SNMPv3
discovery request to SNMP ports);
standard, for robust services, allows 4 connections at once per host,
200 new ones a second to a host and 400 in all, and offers TLS (after
250 ms of silence) and GET requests to every open port that says
nothing unasked. --rate and --max-conns lower or raise the global
limits.

The passive profile (--profile passive --pcap FILE) sends nothing and
resolves no name: it reads a capture (pcap or pcapng) and reports each
port that served in it, the TLS versions and suites negotiated, the
protocols that crossed in the clear, and the credentials and health
data that did, each with its packet, never the secret itself. --scope
and targets, when given (addresses or networks), say which servers to
report.

Every connection, and every byte sent and the start of every byte
received, is in the transcript: in the JSON result, and as JSON lines
with --transcript FILE. Ctrl-C stops the probe and writes what it saw,
marked partial.

Formats: table (default) and json. Exit codes: 0 done, 2 invalid
options, 3 failure or interrupted (the partial result is written).`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 && o.Pcap == "" {
				return usage(fmt.Errorf("probe needs at least one target, or a capture under the passive profile (see '%s --help')", c.CommandPath()))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := render.Outputs(fmtName, outFile, "probe", func(f *render.Format) bool { return f.Probe != nil })
			if err != nil {
				return usage(err)
			}
			if o.Rate, err = parseRate(rate); err != nil {
				return err
			}
			o.Targets = args
			res, err := app.New(app.Config{Build: build}).Probe(cmd.Context(), o)
			if res == nil {
				return err
			}
			if transcript != "" {
				if werr := atomicfile.WriteFunc(transcript, 0o644, func(w io.Writer) error { return render.WriteProbeTranscript(w, res) }); werr != nil {
					return werr
				}
			}
			opts := render.Options{Build: build}
			if werr := render.Write(outs, stdout, func(out render.Output, w io.Writer) error { return out.Format.Probe(w, res, opts) }); werr != nil {
				return werr
			}
			if err != nil {
				return fmt.Errorf("%w: the partial result is written", err)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringSliceVar(&o.Scope, "scope", nil, "networks (CIDR) or addresses the probe may reach (required; repeat or separate with commas)")
	f.StringVar(&o.Profile, "profile", "safe", "safe (one connection at a time per host, nothing sent but well-formed messages of the service's protocol), standard, or passive (nothing sent: --pcap)")
	f.StringVar(&o.Pcap, "pcap", "", "passive profile: read this capture (pcap or pcapng) and send nothing")
	f.StringVar(&o.Ports, "ports", "", "TCP ports to try, such as 22,80,8000-8100 (default: the common medical ones, docs/probe.md)")
	f.StringVar(&o.UDPPorts, "udp-ports", "", `UDP ports to ask for SNMP, or "none" (default: 161, none when --ports is given)`)
	f.StringVar(&o.CallingAE, "dicom-calling-ae", app.DefaultCallingAE, "calling AE title of the DICOM association the probe asks for")
	f.StringVar(&o.CalledAE, "dicom-called-ae", app.DefaultCalledAE, "called AE title of that association: the service's own, to learn whether it checks the calling one")
	f.BoolVar(&o.HL7Query, "hl7-query", false, "standard profile: send HL7 listeners one network management query (NMQ^N01), which asks for no patient data; never without this flag")
	f.BoolVar(&o.AllowCredentialTests, "allow-credential-tests", false, "also try the credentials of docs/probe.md (FTP's anonymous login, SNMP's public and private communities); never without this flag")
	f.StringVar(&o.Model, "model", "", "device model whose declared ports (each interface's port) are tried too")
	f.StringVar(&rate, "rate", "", "new connections a second, all hosts together, such as 10 or 10/s (default: the profile's)")
	f.IntVar(&o.MaxConns, "max-conns", 0, "connections open at once, all hosts together (default: the profile's)")
	f.DurationVar(&o.Timeout, "timeout", 0, "time allowed to connect and for each exchange (default 3s)")
	f.StringVarP(&fmtName, "format", "f", "table", "output format: table or json")
	f.StringVarP(&outFile, "output", "o", "", "write to FILE (atomically) instead of standard output")
	f.StringVar(&transcript, "transcript", "", "also write the transcript to FILE, as JSON lines")
	return c
}

// parseRate reads --rate: a number of connections a second, with or
// without /s; empty for the profile's.
func parseRate(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "/s"), 64)
	if err != nil || v <= 0 {
		return 0, usage(fmt.Errorf("--rate %q: give connections a second, such as 10 or 10/s", s))
	}
	return v, nil
}

// usage marks a problem with what the operator said: exit code 2.
func usage(err error) error { return app.InputError{Err: err} }
