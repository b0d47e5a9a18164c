// Package strict reads closed JSON objects the way every EMSG/1 decoder
// must: member by member, in a fixed order, so that every implementation
// reports the same defect for the same bad input.
//
// # The order of checks
//
//  1. The JSON text ([canonical.Protocol]): syntax, UTF-8, duplicate member
//     names, numbers that are not integers within ±(2^53-1) — all
//     [wire.BadEncoding].
//  2. The shape: the value is an object, and its "type" member (when the
//     object has one) is the expected one — [wire.Malformed].
//  3. The version: a "v" member other than the one spoken is
//     [wire.UnsupportedVersion], so that a later version is not reported
//     as malformed for members this one lacks.
//  4. The member set: unknown members first (in sorted order), then missing
//     or null ones (in the order the object lists them) — [wire.Malformed].
//  5. Each member, in the order the decoder reads it, with the defect of the
//     member's own grammar (an address is [wire.BadAddress], base64url is
//     [wire.BadEncoding], a wrong length is [wire.Malformed]).
//
// A [Reader] keeps the first failure and ignores the rest, so a decoder
// reads every member unconditionally and checks [Reader.Err] once.
// Failures name the member as a JSON Pointer ("/contacts/0/bundle"), the
// same form the spec package's schema errors use.
package strict
