package federation

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// parties names, for one item kind, the members holding who speaks and to
// whom: the table of section 7 ("No spoofing"). A path is a list of member
// names; a last name ending in "[]" is a list of addresses.
type parties struct {
	senders    []string // each on the origin domain (FED-SPOOF-01/02/03)
	recipients []string // each on this domain (FED-TXN-06)
}

// partyTable is the table of section 7. The host of a session ticket is a
// domain, not an address; every other member is an address.
var partyTable = map[string]parties{
	"envelope":         {[]string{"envelope.from"}, []string{"envelope.to"}},
	"contact_request":  {[]string{"request.from"}, []string{"request.to"}},
	"contact_response": {[]string{"from"}, []string{"to"}},
	"contact_removed":  {[]string{"from"}, []string{"to"}},
	"receipt":          {[]string{"receipt.from"}, []string{"receipt.to"}},
	"group_request":    {[]string{"actor"}, []string{"group"}},
	"group_event":      {[]string{"event.group"}, []string{"to[]"}},
	"group_post":       {[]string{"envelope.from"}, []string{"envelope.to"}},
	"group_fanout":     {[]string{"envelope.to"}, []string{"to[]"}},
	"move":             {[]string{"notice.from"}, []string{"to[]"}},
	"delete":           {[]string{"notice.address"}, []string{"to[]"}},
	"key_rotated":      {[]string{"bundle.address"}, []string{"to[]"}},
	"session_ticket":   {[]string{"ticket.host", "ticket.initiator"}, []string{"ticket.peer"}},
}

// hostPath is the one party member that holds a domain.
const hostPath = "ticket.host"

// checkParties applies the table to an item that passed fed-item.json:
// every sender on origin, then every recipient on self, forbidden
// otherwise.
func checkParties(kind string, item json.RawMessage, origin, self string) error {
	p, ok := partyTable[kind]
	if !ok {
		return httpapi.Errorf("bad_request", "unknown item kind %q", kind)
	}
	var obj map[string]any
	if err := json.Unmarshal(item, &obj); err != nil {
		return httpapi.Errorf("bad_request", "item: %v", err)
	}
	for _, path := range p.senders {
		if err := checkDomains(obj, path, origin, "sender", "the origin"); err != nil {
			return err
		}
	}
	for _, path := range p.recipients {
		if err := checkDomains(obj, path, self, "recipient", "this server"); err != nil {
			return err
		}
	}
	return nil
}

// checkDomains checks that every address (or, for [hostPath], the domain)
// at path is on domain.
func checkDomains(obj map[string]any, path, domain, role, whose string) error {
	values, err := lookup(obj, path)
	if err != nil {
		return err
	}
	for _, v := range values {
		d := v
		if path != hostPath {
			a, err := address.ParseCanonical(v)
			if err != nil {
				return fmt.Errorf("item %s: %w", path, err)
			}
			d = a.Domain
		}
		if d != domain {
			return httpapi.Errorf("forbidden", "%s %s (%s) is not on %s %s", role, v, path, whose, domain)
		}
	}
	return nil
}

// lookup returns the string (or strings, for a path ending in "[]") at
// path in obj.
func lookup(obj map[string]any, path string) ([]string, error) {
	names := strings.Split(path, ".")
	var cur any = obj
	for _, n := range names {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, httpapi.Errorf("bad_request", "item has no %s", path)
		}
		cur = m[strings.TrimSuffix(n, "[]")]
	}
	switch v := cur.(type) {
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, httpapi.Errorf("bad_request", "item %s holds a non-string", path)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, httpapi.Errorf("bad_request", "item has no %s", path)
}
