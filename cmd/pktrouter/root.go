package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/pktnetwork/pktrouter/internal/version"
)

// envPrefix is the prefix of the environment variables that set flags:
// --log-level is PKTROUTER_LOG_LEVEL, `label hop --scheme` is PKTROUTER_SCHEME.
const envPrefix = "PKTROUTER"

// app is what every command shares: its streams and the logger made from
// the global flags.
type app struct {
	in       io.Reader
	out, err io.Writer
	log      hclog.Logger
}

func newRootCmd(in io.Reader, out, errw io.Writer) *cobra.Command {
	a := &app{in: in, out: out, err: errw, log: hclog.NewNullLogger()}
	root := &cobra.Command{
		Use:   "pktrouter",
		Short: "Hardware/software toolkit for the PKT Network routing device",
		Long: `pktrouter builds the PKT Network routing device: it generates the device's
Verilog from Go, simulates it, works with the cjdns source-routing labels the
device forwards, and runs the device's demo.

Every flag can also be set in a YAML config file (--config, keys are flag
names) or by environment variable PKTROUTER_<FLAG> (upper case, '-' as '_').
Precedence: command line, then environment, then config file, then default.`,
		Example: `  pktrouter label path 5 2 19        # a 3-hop route from interface numbers
  pktrouter demo                      # the main job: packets through switch hops
  PKTROUTER_LOG_LEVEL=debug pktrouter demo`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyConfig(cmd); err != nil {
				return err
			}
			lvl, _ := cmd.Flags().GetString("log-level")
			level := hclog.LevelFromString(lvl)
			if level == hclog.NoLevel {
				return fmt.Errorf("--log-level %q: want one of trace, debug, info, warn, error, off", lvl)
			}
			jsonOut, _ := cmd.Flags().GetBool("log-json")
			a.log = hclog.New(&hclog.LoggerOptions{
				Name: "pktrouter", Level: level, Output: a.err, JSONFormat: jsonOut,
			})
			return nil
		},
	}
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errw)
	pf := root.PersistentFlags()
	pf.String("config", "", "YAML config file whose keys are flag names (e.g. log-level: debug)")
	pf.String("log-level", "warn", "log level: trace, debug, info, warn, error or off")
	pf.Bool("log-json", false, "write logs as JSON lines on stderr")

	root.AddCommand(
		newVersionCmd(a),
		newLabelCmd(a),
		newDemoCmd(a),
		newBenchCmd(a),
		newLintCmd(a),
		newGenCmd(a),
		newSimCmd(a),
		newSynthCmd(a),
	)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())
	})
	return root
}

// Execute runs the command and prints any error as cobra would not: once,
// prefixed, on stderr.
func execute(root *cobra.Command) error {
	err := root.Execute()
	if err != nil {
		fmt.Fprintf(root.ErrOrStderr(), "pktrouter: %v\n", err)
	}
	return err
}

// applyConfig fills every flag of cmd that was not given on the command line
// from the environment or the config file, so all three sources behave alike.
func applyConfig(cmd *cobra.Command) error {
	v := viper.New()
	v.SetEnvPrefix(envPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	cfg, _ := cmd.Flags().GetString("config")
	if cfg == "" {
		cfg = os.Getenv(envPrefix + "_CONFIG")
	}
	if cfg != "" {
		v.SetConfigFile(cfg)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			var nf viper.ConfigFileNotFoundError
			if errors.As(err, &nf) || os.IsNotExist(err) {
				return fmt.Errorf("config file %s: not found", cfg)
			}
			return fmt.Errorf("config file %s: %w", cfg, err)
		}
	}
	var ferr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if ferr != nil || f.Changed || f.Name == "config" || f.Name == "help" {
			return
		}
		if !v.IsSet(f.Name) {
			return
		}
		val := v.Get(f.Name)
		var s string
		switch x := val.(type) {
		case []any:
			parts := make([]string, len(x))
			for i, p := range x {
				parts[i] = fmt.Sprint(p)
			}
			s = strings.Join(parts, ",")
		default:
			s = fmt.Sprint(x)
		}
		if err := f.Value.Set(s); err != nil {
			src := "config file " + cfg
			if _, ok := os.LookupEnv(envName(f.Name)); ok {
				src = "environment " + envName(f.Name)
			}
			ferr = fmt.Errorf("%s: invalid value %q for --%s: %v", src, s, f.Name, err)
		}
	})
	return ferr
}

func envName(flag string) string {
	return envPrefix + "_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the pktrouter version",
		Example: "  pktrouter version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(a.out, "pktrouter %s\n", version.String())
			return err
		},
	}
}
