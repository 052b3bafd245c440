package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdcheck/mdcheck/internal/app"
	"github.com/mdcheck/mdcheck/internal/fleetapp"
)

// MemoryLimit is the Go runtime's soft memory limit in serve, unless
// GOMEMLIMIT sets another: near it the collector works harder, so that
// the largest input an upload or an assessment may read (a 32 MiB SBOM:
// about 120 MiB of live memory) keeps the process well under 256 MiB.
const MemoryLimit = 128 << 20

// GCPercent is the collector's GOGC in serve, unless GOGC sets another:
// a worker's heap between assessments is small, and at the default
// (100) every assessment ran several collections; the memory limit
// still bounds the heap.
const GCPercent = 400

// Env is what the server's commands take from the command line.
type Env struct {
	Stdout, Stderr io.Writer
	Build          app.BuildInfo
	// VulnDB is the vulnerability database assessments match against
	// (the built-in snapshot stands in while it does not exist); Mirror
	// the folder db update downloads into.
	VulnDB, Mirror string
	// Findings is the error that makes the command exit 1.
	Findings error
}

// dataDir is the user's data folder for mdcheck: $XDG_DATA_HOME/mdcheck,
// else ~/.local/share/mdcheck.
func dataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "mdcheck")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "mdcheck")
	}
	return filepath.Join(os.TempDir(), "mdcheck")
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// storeFlags are the flags that name the store and the audit key.
type storeFlags struct{ db, key string }

func (f *storeFlags) add(c *cobra.Command, withKey bool) {
	c.Flags().StringVar(&f.db, "db", envOr("MDCHECK_FLEET_DB", "sqlite:"+filepath.Join(dataDir(), "fleet.db")), "the store: sqlite:FILE or a postgres:// URL (env MDCHECK_FLEET_DB)")
	if withKey {
		c.Flags().StringVar(&f.key, "audit-key", envOr("MDCHECK_AUDIT_KEY", filepath.Join(dataDir(), "audit-key")), "Ed25519 key that signs the audit trail's checkpoints, created on first start (env MDCHECK_AUDIT_KEY)")
	}
}

// Commands are serve, token and audit.
func Commands(env Env) []*cobra.Command {
	return []*cobra.Command{serveCommand(env), tokenCommand(env), auditCommand(env)}
}

func serveCommand(env Env) *cobra.Command {
	var sf storeFlags
	var addr string
	var workers int
	var smtpRelay, smtpFrom string
	var update time.Duration
	var role string
	var migrateOnly bool
	var envErr error
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the fleet server: devices, assessments and an audit trail behind a REST API",
		Long: `serve runs the fleet server: the REST API under /api/v1 (described at
/api/v1/openapi.json), health at /healthz and readiness at /readyz. It
keeps organisations, API tokens, devices with every version of their
models, and assessments (the same health check and JSON report as
mdcheck check) in a store: SQLite in the user's data folder by default,
or PostgreSQL. Every change is appended to a hash-chained audit trail
whose head is signed every minute, and at shutdown, with --audit-key.

Tokens come from mdcheck token create. Logs are JSON lines on standard
error. SIGINT or SIGTERM stops it gracefully.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if envErr != nil && !cmd.Flags().Changed("db-update") {
				return envErr
			}
			d := fleetapp.DefaultDelivery()
			d.SMTP, d.From = smtpRelay, smtpFrom
			switch role {
			case "all", "api", "worker":
			default:
				return app.InputError{Err: fmt.Errorf("--role %q: api, worker or all", role)}
			}
			if migrateOnly {
				return migrate(cmd.Context(), env, sf)
			}
			return serve(cmd.Context(), env, sf, addr, role, workers, d, update)
		},
	}
	sf.add(c, true)
	c.Flags().StringVar(&addr, "addr", envOr("MDCHECK_ADDR", "127.0.0.1:8080"), "HOST:PORT to listen on (port 0: any free port) (env MDCHECK_ADDR)")
	c.Flags().IntVar(&workers, "workers", 2, "assessments run at once")
	c.Flags().StringVar(&role, "role", envOr("MDCHECK_ROLE", "all"), "what this process does: api (the API and dashboard), worker (the jobs: assessments, re-matching, db update, notifications; health and metrics only on --addr) or all; api and worker need a PostgreSQL store, which any number of processes share (env MDCHECK_ROLE)")
	c.Flags().BoolVar(&migrateOnly, "migrate-only", false, "apply the migrations the store lacks (its own and the job queue's) and exit: a deployment's migration step before the processes start")
	c.Flags().StringVar(&smtpRelay, "smtp", envOr("MDCHECK_SMTP", ""), "HOST:PORT of the SMTP relay mailto: notifications go through (env MDCHECK_SMTP)")
	c.Flags().StringVar(&smtpFrom, "smtp-from", envOr("MDCHECK_SMTP_FROM", "mdcheck@localhost"), "sender of notification e-mails (env MDCHECK_SMTP_FROM)")
	c.Flags().Var(durationValue{&update}, "db-update", "run db update (the default feeds, into the default mirror) this often, e.g. 24h; 0: never (cron may run it: the server notices a new database either way) (env MDCHECK_DB_UPDATE)")
	if v := os.Getenv("MDCHECK_DB_UPDATE"); v != "" {
		if err := c.Flags().Set("db-update", v); err != nil {
			envErr = app.InputError{Err: fmt.Errorf("MDCHECK_DB_UPDATE: %v", err)}
		}
	}
	return c
}

// migrate opens the store, which applies the migrations it lacks.
func migrate(ctx context.Context, env Env, sf storeFlags) error {
	f, err := fleetapp.Open(ctx, app.New(app.Config{DB: env.VulnDB, Snapshot: true, Build: env.Build}), sf.db)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "mdcheck serve: store %s migrated\n", redact(sf.db))
	return f.Close()
}

// redact is a store DSN without its password, to print.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// durationValue is a duration flag whose errors say what is expected.
type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if v.d == nil {
		return "0s"
	}
	return v.d.String()
}
func (v durationValue) Type() string { return "duration" }
func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("%q: a duration such as 24h or 30m, or 0 for never", s)
	}
	*v.d = d
	return nil
}

func serve(ctx context.Context, env Env, sf storeFlags, addr, role string, workers int, delivery fleetapp.Delivery, update time.Duration) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
	log := slog.New(slog.NewJSONHandler(env.Stderr, nil))
	key, err := fleetapp.AuditKey(sf.key)
	if err != nil {
		return app.InputError{Err: fmt.Errorf("--audit-key: %w", err)}
	}
	a := app.New(app.Config{DB: env.VulnDB, Snapshot: true, Build: env.Build})
	f, err := fleetapp.Open(ctx, a, sf.db)
	if err != nil {
		return err
	}
	defer f.Close()
	if role != "all" && !f.Jobs() {
		return app.InputError{Err: fmt.Errorf("--role %s needs a PostgreSQL store that the other processes share (--db postgres://...); with SQLite one process does everything (--role all)", role)}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return app.InputError{Err: fmt.Errorf("--addr: %w", err)}
	}
	s := New(Config{Fleet: f, Log: log, Workers: workers, HealthOnly: role == "worker", Build: env.Build})
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	work, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	switch {
	case f.Jobs():
		// Jobs in the store, shared by every worker process; this one
		// follows the vulnerability database the store publishes.
		go f.Follow(work, time.Minute, log)
		if role == "api" {
			close(done)
			break
		}
		go func() {
			defer close(done)
			o := fleetapp.WorkOptions{Workers: workers, Monitor: time.Minute, Update: update, Deliver: 5 * time.Second,
				UpdateOptions: app.DefaultUpdate(env.Mirror), Delivery: delivery, Log: log}
			if err := f.Work(work, o); err != nil && work.Err() == nil {
				log.Error("jobs", "error", err.Error())
				stop()
			}
		}()
	default:
		go func() { defer close(done); s.Work(work, 30*time.Second) }()
		go s.Send(work, delivery, 5*time.Second)
		go s.Monitor(work, time.Minute)
		if update > 0 {
			go s.Update(work, app.DefaultUpdate(env.Mirror), update)
		}
	}
	go func() {
		for {
			if _, err := f.Checkpoint(work, key); err != nil && work.Err() == nil {
				log.Error("audit checkpoint", "error", err.Error())
			}
			select {
			case <-work.Done():
				return
			case <-time.After(time.Minute):
			}
		}
	}()
	fmt.Fprintf(env.Stdout, "mdcheck serve: listening on http://%s (store %s, role %s)\n", ln.Addr(), redact(sf.db), role)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		shut, c2 := context.WithTimeout(context.Background(), 15*time.Second)
		err = hs.Shutdown(shut)
		c2()
	}
	cancel()
	<-done
	if _, cerr := f.Checkpoint(context.Background(), key); cerr != nil {
		log.Error("audit checkpoint", "error", cerr.Error())
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func tokenCommand(env Env) *cobra.Command {
	var sf storeFlags
	var org, role string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API token for an organisation (created if new); the token is shown once, as the last line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, ok := fleetapp.ParseRole(role)
			if !ok {
				return app.InputError{Err: fmt.Errorf("--role %q: admin, assessor or viewer", role)}
			}
			f, err := fleetapp.Open(cmd.Context(), app.New(app.Config{Build: env.Build}), sf.db)
			if err != nil {
				return err
			}
			defer f.Close()
			secret, t, err := f.CreateToken(cmd.Context(), fleetapp.Actor{Token: "cli"}, org, r)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "Created token %s (%s) for organisation %s; it is shown once and stored only as its hash:\n%s\n", t.ID, r, org, secret)
			return nil
		},
	}
	sf.add(create, false)
	create.Flags().StringVar(&org, "org", "", "the organisation's name")
	create.Flags().StringVar(&role, "role", "viewer", "admin, assessor or viewer")
	create.MarkFlagRequired("org")
	c := &cobra.Command{Use: "token", Short: "Manage the fleet server's API tokens"}
	c.AddCommand(create)
	return c
}

func auditCommand(env Env) *cobra.Command {
	var sf storeFlags
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Verify the fleet server's audit trail: every record's hash and link, and every signed checkpoint; exit 1 names the first bad record",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := fleetapp.Open(cmd.Context(), app.New(app.Config{Build: env.Build}), sf.db)
			if err != nil {
				return err
			}
			defer f.Close()
			v, err := f.VerifyAudit(cmd.Context(), sf.key)
			if err != nil {
				return err
			}
			if v.Problem != "" {
				fmt.Fprintf(env.Stdout, "audit trail NOT intact (%d records, %d checkpoints): %s\n", v.Records, v.Checkpoints, v.Problem)
				return fmt.Errorf("%w: the audit trail was changed", env.Findings)
			}
			fmt.Fprintf(env.Stdout, "audit trail intact: %d records, %d signed checkpoints\n", v.Records, v.Checkpoints)
			return nil
		},
	}
	sf.add(verify, true)
	c := &cobra.Command{Use: "audit", Short: "Check the fleet server's audit trail"}
	c.AddCommand(verify)
	return c
}
