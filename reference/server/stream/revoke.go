package stream

import "github.com/emsg-project/emsg/reference/protocol/address"

// Revoke checks the credentials of addr's open streams again at once and
// closes with status 4001 those the Authenticator now refuses: call it
// after revoking the account's tokens or suspending it (ADMIN-SUSPEND-02),
// rather than waiting for the periodic recheck. It returns when the
// check is done.
func (h *Hub) Revoke(addr address.Address) {
	h.mu.Lock()
	var conns []*conn
	if a := h.accounts[addr.String()]; a != nil {
		for c := range a.conns {
			conns = append(conns, c)
		}
	}
	h.mu.Unlock()
	h.recheckAll(conns)
}
