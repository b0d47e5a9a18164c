package contacts

import (
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// contactsPath is the path of the contact list.
const contactsPath = "/emsg/v1/contacts"

// Routes mounts the contact operations of spec/openapi/client.yaml on m:
// listContacts, sendContactRequest, listContactRequests,
// acceptContactRequest, declineContactRequest, removeContact, blockContact
// and unblockContact.
func (s *Service) Routes(m *httpapi.Mux) {
	m.Handle(http.MethodGet, contactsPath, s.listContacts)
	m.Handle(http.MethodGet, contactsPath+"/requests", s.listRequests)
	m.Handle(http.MethodPost, contactsPath+"/requests", s.sendRequest)
	m.Handle(http.MethodDelete, contactsPath+"/{address}", s.removeContact)
	m.Handle(http.MethodPost, contactsPath+"/requests/{address}/accept", s.acceptRequest)
	m.Handle(http.MethodPost, contactsPath+"/requests/{address}/decline", s.declineRequest)
	m.Handle(http.MethodPut, contactsPath+"/{address}/block", s.block)
	m.Handle(http.MethodDelete, contactsPath+"/{address}/block", s.unblock)
}

// caller authenticates r and folds its {address} path parameter (URL path
// rule: folded to lower case, then checked; bad_address otherwise).
func (s *Service) caller(r *http.Request) (me, other address.Address, err error) {
	if me, err = s.auth(r); err != nil {
		return address.Address{}, address.Address{}, err
	}
	if other, err = address.Parse(r.PathValue("address")); err != nil {
		return address.Address{}, address.Address{}, err
	}
	return me, other, nil
}
