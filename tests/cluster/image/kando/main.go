// Command kando is the kancli test image's stand-in for Kanister's kando.
//
// It implements `kando output <key> <value>` exactly as Kanister does: the same argument and
// key validation, the same error texts, the phase-output line written with Go's own
// encoding/json (so HTML characters, control characters and invalid UTF-8 are escaped the same
// way), and exit code 69 on any error. `kando location push|pull|delete` talk to the Profile's
// S3-compatible endpoint (location.go, s3.go). chronicle, stream and process are recognised
// but fail, saying that the test image does not provide them.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

const phaseOpString = "###Phase-output###:"

const exitError = 69 // kando exits 69 on every error (see reference section 4.1)

var knownLevels = []string{"panic", "fatal", "error", "warn", "warning", "info", "debug", "trace"}

var notProvided = map[string]string{
	"chronicle": "chronicle <command>",
	"stream":    "stream <command>",
	"process":   "process <command>",
}

type command struct {
	use   string
	short string
}

var outputCmd = command{use: "output <key> <value>", short: "Create phase output with given key:value"}

type usageError struct {
	msg       string
	showUsage bool
}

func (e *usageError) Error() string { return e.msg }

// parseFlags splits args into positionals the way spf13/pflag does for kando's flags:
// -h/--help and the persistent -v/--verbosity.
func parseFlags(args []string) (positional []string, help bool, level string, err error) {
	level = "warning"
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(positional, args[i+1:]...), help, level, nil
		case strings.HasPrefix(a, "--") && len(a) > 2:
			name, value, hasValue := strings.Cut(a[2:], "=")
			switch name {
			case "help":
				help = true
			case "verbosity":
				if !hasValue {
					if i+1 >= len(args) {
						return nil, help, level, &usageError{"flag needs an argument: --verbosity", true}
					}
					i++
					value = args[i]
				}
				level = value
			default:
				return nil, help, level, &usageError{"unknown flag: --" + name, true}
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			shorts := a[1:]
			for j := 0; j < len(shorts); j++ {
				switch shorts[j] {
				case 'h':
					help = true
				case 'v':
					rest := strings.TrimPrefix(shorts[j+1:], "=")
					if rest == "" {
						if i+1 >= len(args) {
							return nil, help, level, &usageError{
								fmt.Sprintf("flag needs an argument: 'v' in -%s", shorts), true}
						}
						i++
						rest = args[i]
					}
					level = rest
					j = len(shorts)
				default:
					return nil, help, level, &usageError{
						fmt.Sprintf("unknown shorthand flag: '%c' in -%s", shorts[j], shorts), true}
				}
			}
		default:
			positional = append(positional, a)
		}
	}
	return positional, help, level, nil
}

var validKey = regexp.MustCompile("^[a-zA-Z0-9_]*$")

func validateOutputArgs(args []string) error {
	if len(args) != 2 {
		return &usageError{fmt.Sprintf("Command accepts 2 arguments, received %d arguments", len(args)), true}
	}
	if args[0] == "" {
		return &usageError{"Key should not be empty", true}
	}
	if !validKey.MatchString(args[0]) {
		return &usageError{"Key should contain only alphanumeric characters and underscore", true}
	}
	return nil
}

func printOutput(w io.Writer, key, value string) error {
	out, err := json.Marshal(struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}{key, value})
	if err != nil {
		return fmt.Errorf("Failed to marshal key-value pair: %w", err)
	}
	_, err = fmt.Fprintln(w, phaseOpString, string(out))
	return err
}

func usage(use string, sub bool) string {
	var b strings.Builder
	if sub {
		fmt.Fprintf(&b, "Usage:\n  kando %s [flags]\n\nFlags:\n  -h, --help   help for %s\n\n",
			use, strings.Fields(use)[0])
		b.WriteString("Global Flags:\n")
	} else {
		b.WriteString("Usage:\n  kando <command> [flags]\n  kando [command]\n\nAvailable Commands:\n")
		b.WriteString("  location    Push, pull and delete data in object storage\n  output      " + outputCmd.short + "\n\nFlags:\n  -h, --help               help for kando\n")
	}
	b.WriteString("  -v, --verbosity string   Log level (debug, info, warn, error, fatal, panic) (default \"warning\")\n")
	return b.String()
}

func fail(err error, use string, sub bool) int {
	fmt.Fprintln(os.Stderr, "Error:", err.Error())
	if ue, ok := err.(*usageError); ok && ue.showUsage {
		fmt.Fprintln(os.Stderr, usage(use, sub))
	}
	return exitError
}

func validLevel(level string) bool {
	for _, l := range knownLevels {
		if strings.EqualFold(l, level) {
			return true
		}
	}
	return false
}

func run(args []string, stdout io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		_, help, _, err := parseFlags(args)
		if err != nil {
			return fail(err, "", false)
		}
		if help || len(args) == 0 {
			fmt.Fprint(stdout, "A set of tools used from Kanister Blueprints\n\n"+usage("", false))
			return 0
		}
	}
	name, rest := args[0], args[1:]
	if name == "output" {
		positional, help, level, err := parseFlags(rest)
		if err != nil {
			return fail(err, outputCmd.use, true)
		}
		if help {
			fmt.Fprint(stdout, outputCmd.short+"\n\n"+usage(outputCmd.use, true))
			return 0
		}
		if err := validateOutputArgs(positional); err != nil {
			return fail(err, outputCmd.use, true)
		}
		if !validLevel(level) {
			return fail(&usageError{"Invalid log level: " + level, false}, outputCmd.use, true)
		}
		if err := printOutput(stdout, positional[0], positional[1]); err != nil {
			return fail(err, outputCmd.use, true)
		}
		return 0
	}
	if name == "location" {
		return runLocation(rest, os.Stdin, stdout)
	}
	if use, ok := notProvided[name]; ok {
		msg := fmt.Sprintf("kando %s is not provided by the kancli test image", strings.Fields(use)[0])
		return fail(&usageError{msg, false}, use, true)
	}
	fmt.Fprintf(os.Stderr, "Error: unknown command %q for \"kando\"\nRun 'kando --help' for usage.\n", name)
	return exitError
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout))
}
