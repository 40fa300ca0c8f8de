// Command gorender is kancli's differential oracle: it renders templates with Go's own
// text/template so that tests can compare kancli's engine against the real thing.
//
// It reads JSON lines {"template", "context", "missingkey", "name", "tree"} on stdin and writes one
// JSON line per request: {"output": "..."} or {"error": "...", "phase": "parse"|"exec"}. With
// "tree": true the output is the parse tree printed back (parse.Node's String), not a rendering.
//
// Contexts are decoded as Kubernetes' unstructured JSON is: objects become
// map[string]interface{}, integral numbers int64, other numbers float64. Slices are built with
// capacity equal to length (kancli's lists have no spare capacity for `slice` to reach). A few
// typed Go values can be requested with {"$go": TYPE, "v": VALUE} so that tests reach behaviour
// that depends on static types: map[string]string, []string, []byte, int, *main.Params (nil when
// v is null), main.Params and func (v names one of the test functions below).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/template"
)

// Params is a struct for field-access tests; tests/oracle mirrors it as a GoStruct.
type Params struct {
	Name    string
	Count   int
	Pods    []string
	Options map[string]string
	Inner   *Params
	Any     interface{}
}

type request struct {
	Template   string          `json:"template"`
	Context    json.RawMessage `json:"context"`
	MissingKey string          `json:"missingkey"`
	Name       string          `json:"name"`
	Tree       bool            `json:"tree"`
}

type response struct {
	Output *string `json:"output,omitempty"`
	Error  string  `json:"error,omitempty"`
	Phase  string  `json:"phase,omitempty"`
}

// Functions with fixed Go signatures, mirrored in tests/oracle as GoFuncs, to check how arguments
// are converted and checked when a template calls a function.
var testFuncs = template.FuncMap{
	"fint":   func(i int) int { return i * 2 },
	"fint64": func(i int64) int64 { return i + 1 },
	"ffloat": func(f float64) float64 { return f / 2 },
	"fstr":   func(s string) string { return "<" + s + ">" },
	"fbool":  func(b bool) bool { return !b },
	"fany":   func(v interface{}) string { return fmt.Sprintf("%T", v) },
	"fvar": func(s string, n ...int) string {
		return fmt.Sprint(s, len(n), n)
	},
	"fanyvar": func(v ...interface{}) int { return len(v) },
	"flist":   func(l []interface{}) int { return len(l) },
	"fstrs":   func(l []string) string { return strings.Join(l, "+") },
	"fmap":    func(m map[string]interface{}) int { return len(m) },
	"ferr": func(s string) (string, error) {
		if s == "bad" {
			return "", errors.New("bad input")
		}
		return s, nil
	},
	"fnil":  func() interface{} { return nil },
	"fpair": func(a, b string) string { return a + b },
}

func decodeValue(v interface{}) (interface{}, error) {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		return x.Float64()
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, e := range x {
			d, err := decodeValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = d
		}
		return out, nil
	case map[string]interface{}:
		if t, ok := x["$go"].(string); ok {
			return decodeTyped(t, x["v"])
		}
		out := make(map[string]interface{}, len(x))
		for k, e := range x {
			d, err := decodeValue(e)
			if err != nil {
				return nil, err
			}
			out[k] = d
		}
		return out, nil
	}
	return v, nil
}

func decodeTyped(t string, v interface{}) (interface{}, error) {
	switch t {
	case "map[string]string":
		out := map[string]string{}
		for k, e := range v.(map[string]interface{}) {
			out[k] = e.(string)
		}
		return out, nil
	case "[]string":
		out := make([]string, 0, len(v.([]interface{})))
		for _, e := range v.([]interface{}) {
			out = append(out, e.(string))
		}
		return out, nil
	case "[]byte":
		return []byte(v.(string)), nil
	case "int":
		i, err := v.(json.Number).Int64()
		return int(i), err
	case "*main.Params":
		if v == nil {
			return (*Params)(nil), nil
		}
		p, err := decodeParams(v.(map[string]interface{}))
		return &p, err
	case "main.Params":
		return decodeParams(v.(map[string]interface{}))
	case "func":
		if f, ok := testFuncs[v.(string)]; ok {
			return f, nil
		}
	}
	return nil, fmt.Errorf("unknown $go type %q", t)
}

func decodeParams(m map[string]interface{}) (Params, error) {
	var p Params
	if s, ok := m["Name"].(string); ok {
		p.Name = s
	}
	if n, ok := m["Count"].(json.Number); ok {
		i, err := n.Int64()
		if err != nil {
			return p, err
		}
		p.Count = int(i)
	}
	if l, ok := m["Pods"].([]interface{}); ok {
		p.Pods = make([]string, 0, len(l))
		for _, e := range l {
			p.Pods = append(p.Pods, e.(string))
		}
	}
	if o, ok := m["Options"].(map[string]interface{}); ok {
		p.Options = map[string]string{}
		for k, e := range o {
			p.Options[k] = e.(string)
		}
	}
	if in, ok := m["Inner"].(map[string]interface{}); ok {
		q, err := decodeParams(in)
		if err != nil {
			return p, err
		}
		p.Inner = &q
	}
	if a, ok := m["Any"]; ok {
		d, err := decodeValue(a)
		if err != nil {
			return p, err
		}
		p.Any = d
	}
	return p, nil
}

func render(req request) response {
	name := req.Name
	if name == "" {
		name = "config"
	}
	mk := req.MissingKey
	if mk == "" {
		mk = "error"
	}
	var raw interface{}
	if len(req.Context) > 0 {
		dec := json.NewDecoder(bytes.NewReader(req.Context))
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			return response{Error: "bad context: " + err.Error(), Phase: "harness"}
		}
	}
	data, err := decodeValue(raw)
	if err != nil {
		return response{Error: "bad context: " + err.Error(), Phase: "harness"}
	}
	t, err := template.New(name).Option("missingkey=" + mk).Funcs(testFuncs).Parse(req.Template)
	if err != nil {
		return response{Error: err.Error(), Phase: "parse"}
	}
	if req.Tree {
		tree := t.Tree.Root.String()
		return response{Output: &tree}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return response{Error: err.Error(), Phase: "exec"}
	}
	out := buf.String()
	return response{Output: &out}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req request
		var resp response
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			resp = response{Error: "bad request: " + err.Error(), Phase: "harness"}
		} else {
			resp = safeRender(req)
		}
		if err := enc.Encode(resp); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		out.Flush()
	}
}

func safeRender(req request) (resp response) {
	defer func() {
		if r := recover(); r != nil {
			resp = response{Error: fmt.Sprint("panic: ", r), Phase: "panic"}
		}
	}()
	return render(req)
}
