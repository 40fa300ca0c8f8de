// `kando location push|pull|delete`: copy a file or stream to and from the Profile's
// S3-compatible bucket, as Kanister's kando does (reference section 8.2). The --profile value
// is what `{{ toJson .Profile }}` renders; the object key is path.Join(Location.Prefix, --path).

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

type profile struct {
	Location struct {
		Type     string `json:"type"`
		Bucket   string `json:"bucket"`
		Endpoint string `json:"endpoint"`
		Prefix   string `json:"prefix"`
		Region   string `json:"region"`
	} `json:"Location"`
	Credential struct {
		Type    string `json:"Type"`
		KeyPair *struct {
			ID     string `json:"ID"`
			Secret string `json:"Secret"`
		} `json:"KeyPair"`
		Secret *struct {
			Type string            `json:"type"`
			Data map[string][]byte `json:"data"`
		} `json:"Secret"`
	} `json:"Credential"`
	SkipSSLVerify bool `json:"SkipSSLVerify"`
}

func (p *profile) credentials() (id, secret, token string, err error) {
	switch p.Credential.Type {
	case "keyPair":
		if p.Credential.KeyPair == nil {
			return "", "", "", fmt.Errorf("Profile credential has no key pair")
		}
		return p.Credential.KeyPair.ID, p.Credential.KeyPair.Secret, "", nil
	case "secret":
		if p.Credential.Secret == nil {
			return "", "", "", fmt.Errorf("Profile credential has no secret")
		}
		d := p.Credential.Secret.Data
		if len(d["role"]) > 0 {
			return "", "", "", fmt.Errorf("assuming a role is not supported by the kancli test image")
		}
		return string(d["aws_access_key_id"]), string(d["aws_secret_access_key"]), "", nil
	}
	return "", "", "", fmt.Errorf("Unsupported credential type %q", p.Credential.Type)
}

var locationCmds = map[string]command{
	"push":   {use: "push <source>", short: "Push a source file or stdin stream to s3-compliant object storage"},
	"pull":   {use: "pull <target>", short: "Pull an object from s3-compliant object storage to a file or stdout"},
	"delete": {use: "delete", short: "Delete artifacts from s3-compliant object storage"},
}

// parseLocationFlags reads the location flags (-p/--profile, -s/--path, -o/--output-name,
// -k/--kopia-snapshot, -v/--verbosity, -h/--help); "-" alone is a positional (stdin/stdout).
func parseLocationFlags(args []string) (pos []string, flags map[string]string, help bool, err error) {
	long := map[string]string{"p": "profile", "s": "path", "o": "output-name", "k": "kopia-snapshot", "v": "verbosity"}
	flags = map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(pos, args[i+1:]...), flags, help, nil
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			pos = append(pos, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if n, ok := long[name]; ok && !strings.HasPrefix(a, "--") {
			name = n
		}
		if name == "help" || name == "h" {
			help = true
			continue
		}
		known := false
		for _, n := range long {
			known = known || n == name
		}
		if !known {
			return nil, nil, help, &usageError{"unknown flag: " + a, true}
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, nil, help, &usageError{"flag needs an argument: " + a, true}
			}
			i++
			value = args[i]
		}
		flags[name] = value
	}
	return pos, flags, help, nil
}

func runLocation(args []string, stdin io.Reader, stdout io.Writer) int {
	if len(args) == 0 {
		return fail(&usageError{"location needs a command: push, pull or delete", false}, "location <command>", true)
	}
	cmd, ok := locationCmds[args[0]]
	if !ok {
		return fail(&usageError{fmt.Sprintf("unknown command %q for \"kando location\"", args[0]), false}, "location <command>", true)
	}
	pos, flags, help, err := parseLocationFlags(args[1:])
	if err != nil {
		return fail(err, "location "+cmd.use, true)
	}
	if help {
		fmt.Fprint(stdout, cmd.short+"\n")
		return 0
	}
	if err := location(args[0], pos, flags, stdin, stdout); err != nil {
		return fail(err, "location "+cmd.use, true)
	}
	return 0
}

func location(sub string, pos []string, flags map[string]string, stdin io.Reader, stdout io.Writer) error {
	want := 1
	if sub == "delete" {
		want = 0
	}
	if len(pos) != want {
		return &usageError{fmt.Sprintf("Command accepts %d arguments, received %d arguments", want, len(pos)), true}
	}
	raw, ok := flags["profile"]
	if !ok {
		return &usageError{`required flag(s) "profile" not set`, true}
	}
	if flags["kopia-snapshot"] != "" {
		return fmt.Errorf("kopia snapshots are not supported by the kancli test image")
	}
	var p profile
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return fmt.Errorf("failed to unmarshal profile: %w", err)
	}
	client, err := newS3Client(&p)
	if err != nil {
		return err
	}
	key := strings.TrimPrefix(path.Join(p.Location.Prefix, flags["path"]), "/")
	switch sub {
	case "push":
		src := stdin
		if pos[0] != "-" {
			f, err := os.Open(pos[0])
			if err != nil {
				return err
			}
			defer f.Close()
			src = f
		}
		return client.put(key, src)
	case "pull":
		if pos[0] == "-" {
			return client.get(key, stdout)
		}
		f, err := os.Create(pos[0])
		if err != nil {
			return err
		}
		if err := client.get(key, f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	default:
		return client.remove(key)
	}
}
