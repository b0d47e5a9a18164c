package migration

import (
	"net/http"
	"slices"
	"testing"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/store"
)

// fakeMover is a [Groups] that hosts groups: it records the moves it is
// told of, inside the move's store operation, and asks to wake an account.
type fakeMover struct {
	fakeGroups
	moved []string
}

func (m *fakeMover) MovedTx(tx *store.Tx, old, moved address.Address) ([]address.Address, []string, error) {
	if _, ok, err := tx.GetAccount(old.String()); err != nil || !ok {
		return nil, nil, err
	}
	m.moved = append(m.moved, old.String()+">"+moved.String())
	return []address.Address{address.MustParse("host#a.test")}, []string{"b.test"}, nil
}

// TestMoveTellsHostedGroups: an accepted move reaches the groups service
// once, with the old and the new address (GROUP-MOVE-01), and its effects
// are woken after the commit; the same move again tells it nothing more.
func TestMoveTellsHostedGroups(t *testing.T) {
	w := newWorld(t)
	mover := &fakeMover{}
	w.svc.SetGroups(mover)
	w.person("alice#a.test")
	notice := w.moveNotice("alice#a.test", "alice#c.test", "alice#a.test", 0)
	wantCode(t, w.do(http.MethodPost, "/emsg/v1/account/move", "alice#a.test", notice), http.StatusAccepted, "")
	if !slices.Equal(mover.moved, []string{"alice#a.test>alice#c.test"}) {
		t.Errorf("the groups heard of %q, want alice's one move", mover.moved)
	}
	if woken := w.woken.woken; !slices.Contains(woken, "host#a.test") || !slices.Contains(woken, "@b.test") {
		t.Errorf("woken %q, want the groups' effects", woken)
	}
	wantCode(t, w.do(http.MethodPost, "/emsg/v1/account/move", "alice#a.test", notice), http.StatusAccepted, "")
	if len(mover.moved) != 1 {
		t.Errorf("the same move again reached the groups: %q", mover.moved)
	}
}
