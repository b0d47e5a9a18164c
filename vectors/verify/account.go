package verify

import (
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// runExportBundle runs export-bundle.json through [account.ParseExport] and
// [account.Export.Verify] with the account's key; a valid export must be
// reproduced by re-signing it with the account's seed.
func runExportBundle(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	ps, err := partiesOf(g)
	if err != nil {
		return Outcome{}, err
	}
	f := newFields(g, tc)
	text := []byte(f.str("export"))
	if f.err != nil {
		return Outcome{}, f.err
	}
	e, err := account.ParseExport(text)
	if err != nil {
		return fail(err), nil
	}
	p := ps[e.Address.String()]
	if err := e.Verify(ed25519.PublicKey(p.SignPublicKey)); err != nil {
		return fail(err), nil
	}
	return Outcome{Mismatch: resign(text, p.signKey())}, nil
}

// runNotices runs notices.json through [account.ParseMoveNotice],
// [account.ParseDeleteNotice] and [account.ParseLoginProof] with their
// Verify methods; login proofs also get the server's clock check
// ([fedsig.CheckSkew], the same ±300000 ms rule). A valid notice or proof
// must be reproduced by re-signing it with the signer's seed.
func runNotices(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	ps, err := partiesOf(g)
	if err != nil {
		return Outcome{}, err
	}
	field, check, err := noticeCheck(g)
	if err != nil {
		return Outcome{}, err
	}
	text, err := tc.String(field)
	if err != nil {
		return Outcome{}, err
	}
	if err := check([]byte(text), ps); err != nil {
		return fail(err), nil
	}
	signer, err := signerOf([]byte(text), ps)
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{Mismatch: resign([]byte(text), signer.signKey())}, nil
}

// noticeCheck returns the test field holding the object of the group's type
// and the function that parses and verifies it.
func noticeCheck(g *vectors.Group) (string, func([]byte, map[string]party) error, error) {
	switch g.Type {
	case "MoveNoticeVerify":
		return "notice", verifyMove, nil
	case "DeleteNoticeVerify":
		return "notice", verifyDelete, nil
	case "LoginProofVerify":
		now, err := g.Int("now")
		if err != nil {
			return "", nil, err
		}
		return "proof", func(text []byte, ps map[string]party) error {
			return verifyLogin(text, ps, wire.Millis(now))
		}, nil
	}
	return "", nil, fmt.Errorf("unknown group type %q", g.Type)
}

func verifyMove(text []byte, ps map[string]party) error {
	n, err := account.ParseMoveNotice(text)
	if err != nil {
		return err
	}
	return n.Verify(ed25519.PublicKey(ps[n.From.String()].SignPublicKey))
}

func verifyDelete(text []byte, ps map[string]party) error {
	n, err := account.ParseDeleteNotice(text)
	if err != nil {
		return err
	}
	return n.Verify(ed25519.PublicKey(ps[n.Address.String()].SignPublicKey))
}

func verifyLogin(text []byte, ps map[string]party, now wire.Millis) error {
	p, err := account.ParseLoginProof(text)
	if err != nil {
		return err
	}
	if err := p.Verify(ed25519.PublicKey(ps[p.Address.String()].SignPublicKey)); err != nil {
		return err
	}
	return fedsig.CheckSkew(now.Time(), p.TS)
}
