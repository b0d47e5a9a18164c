package main

import (
	"errors"
	"net"
	"net/url"

	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/emsg-project/emsg/reference/client"
)

// clientFailure turns an error of the client library into an exit error
// (exit 1: the command did not succeed) with the hint that says what to
// do next. An error that already is an exit error passes unchanged.
func clientFailure(err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	return &exitError{code: 1, msg: err.Error(), hint: clientHint(err)}
}

// clientHint is the next step for err, or "" when there is none to give.
func clientHint(err error) string {
	var api *client.APIError
	var netErr net.Error
	var urlErr *url.Error
	switch {
	case errors.Is(err, client.ErrNoIdentity):
		return "run 'emsg client register ADDRESS' first, or pass the --dir of a registered account"
	case errors.Is(err, client.ErrIdentityExists):
		return "this --dir holds another account; use a new --dir for each account"
	case errors.Is(err, client.ErrKeystoreMode):
		return "the keys may be known to someone else; if not, chmod 700 the --dir and chmod 600 its " + client.KeystoreFile
	case errors.Is(err, client.ErrNoKeys):
		return "run 'emsg client contacts add ADDRESS' and wait until they accept ('emsg client contacts' shows it)"
	case errors.Is(err, client.ErrKeyChange):
		return "the keys offered do not chain from those held, which may be an impersonation; the old keys stay in use"
	case errors.Is(err, client.ErrNoSession):
		return "a session starts when ADDRESS sends you a message while its server offers sessions; 'emsg client listen' shows the ticket"
	case errors.Is(err, bolterrors.ErrTimeout):
		return "another emsg client (e.g. 'emsg client listen') is using this --dir; stop it first"
	case errors.As(err, &api):
		return apiHint(api)
	case errors.As(err, &netErr), errors.As(err, &urlErr):
		return "is the server running? EMSG_RESOLVE or EMSG_RESOLVE_FILE maps domains to servers ('emsg serve --domains' prints it)"
	}
	return ""
}

// apiHint is the next step after a refusal from the server.
func apiHint(e *client.APIError) string {
	switch {
	case e.Code == "rate_limited":
		return "the server asks to wait before trying again"
	case e.Code == "address_taken":
		return "another account has that address; choose another, or use the --dir that registered it"
	case e.Code == "moved" && e.MovedTo != "":
		return "the account moved to " + e.MovedTo
	case e.Status == 401 || e.Status == 403:
		return "the server refused this account's keys; 'emsg client login' tells whether they still work"
	case e.Status == 409:
		return "the server already holds something else under that name"
	case e.Status >= 500:
		return "the server failed; try again later"
	}
	return ""
}
