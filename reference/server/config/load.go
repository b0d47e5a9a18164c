package config

import (
	"errors"
	"flag"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// option is one field of Config with its tags.
type option struct {
	field reflect.StructField
	env   string
	flag  string
	def   string
	doc   string
}

// options lists the tagged fields of Config in declaration order.
func options() []option {
	t := reflect.TypeFor[Config]()
	out := make([]option, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		out = append(out, option{field: f, env: f.Tag.Get("env"), flag: f.Tag.Get("flag"), def: f.Tag.Get("default"), doc: f.Tag.Get("doc")})
	}
	return out
}

// Defaults returns the configuration with every default applied.
func Defaults() Config {
	var c Config
	for _, o := range options() {
		if err := set(&c, o, o.def); err != nil {
			panic(fmt.Sprintf("config: default of %s: %v", o.env, err)) // a bad tag is a programming error
		}
	}
	return c
}

// RegisterFlags adds one flag per option to fs. Values are strings parsed
// by [Load], so that a flag, an environment variable and a default all go
// through the same parser.
func RegisterFlags(fs *flag.FlagSet) map[string]*string {
	vals := map[string]*string{}
	for _, o := range options() {
		vals[o.flag] = fs.String(o.flag, "", fmt.Sprintf("%s (env %s, default %q)", o.doc, o.env, o.def))
	}
	return vals
}

// Load builds a Config from flag values (as returned by [RegisterFlags]
// after parsing; an empty string means unset), then getenv, then the
// defaults, and checks the result.
func Load(flags map[string]*string, getenv func(string) string) (Config, error) {
	c := Defaults()
	for _, o := range options() {
		v, from := pick(o, flags, getenv)
		if from == "" {
			continue
		}
		if err := set(&c, o, v); err != nil {
			return Config{}, fmt.Errorf("%s %s: %w", from, o.name(from), err)
		}
	}
	if err := c.Check(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// pick returns the value of o and where it came from ("flag", "environment
// variable" or "" for the default).
func pick(o option, flags map[string]*string, getenv func(string) string) (string, string) {
	if p := flags[o.flag]; p != nil && *p != "" {
		return *p, "flag"
	}
	if v := getenv(o.env); v != "" {
		return v, "environment variable"
	}
	return "", ""
}

func (o option) name(from string) string {
	if from == "flag" {
		return "--" + o.flag
	}
	return o.env
}

// set parses v into the field of o.
func set(c *Config, o option, v string) error {
	f := reflect.ValueOf(c).Elem().FieldByIndex(o.field.Index)
	switch f.Interface().(type) {
	case string:
		f.SetString(v)
	case int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not an integer", v)
		}
		f.SetInt(int64(n))
	case time.Duration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 30s", v)
		}
		f.SetInt(int64(d))
	case []string:
		f.Set(reflect.ValueOf(splitList(v)))
	default:
		return errors.New("unsupported option type")
	}
	return nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
