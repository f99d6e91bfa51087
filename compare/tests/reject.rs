//! Every case checks something: a changed token, a panel elsewhere or a
//! time outside the validity is refused by each format's verification.

use licet_compare::*;

#[test]
fn a_changed_token_is_refused_by_every_format() {
    for n in [1, 3, 5] {
        let mut p = licet::prepare(n);
        assert!(licet::verify(&p));
        let last = p.bytes.len() - 1;
        p.bytes[last] ^= 1;
        assert!(!licet::verify(&p), "licet {n}");

        let mut c = cose::prepare(n);
        assert!(cose::verify(&c));
        let last = c.bytes.len() - 1;
        c.bytes[last] ^= 1;
        assert!(!cose::verify(&c), "coset {n}");

        let mut b = biscuit::prepare(n);
        assert!(biscuit::verify(&b));
        let mid = b.bytes.len() / 2;
        b.bytes[mid] ^= 1;
        assert!(!biscuit::verify(&b), "biscuit {n}");
    }
    let mut p = paseto::prepare();
    assert!(paseto::verify(&p));
    p.token
        .replace_range(20..21, if &p.token[20..21] == "A" { "B" } else { "A" });
    assert!(!paseto::verify(&p), "paseto");

    let mut j = jwt::prepare();
    assert!(jwt::verify(&j));
    let at = j.token.len() - 5;
    j.token.replace_range(
        at..at + 1,
        if &j.token[at..at + 1] == "A" {
            "B"
        } else {
            "A"
        },
    );
    assert!(!jwt::verify(&j), "jwt");
}

#[test]
fn the_checks_are_the_same_claims() {
    // A panel outside the licensed group, or a time past the end: the JSON
    // formats' shared check and licet's own verification both refuse.
    let c = JsonClaims::new(now());
    assert!(c.check(now()));
    assert!(!c.check(expires(now()) + 1));
    assert!(!group_within("acme/dist-7/dealer-9", &c.sub));
    let mut p = licet::prepare(3);
    p.now = expires(p.now) + 1;
    assert!(!licet::verify(&p));
    let mut cp = cose::prepare(3);
    cp.now = expires(cp.now) + 1;
    assert!(!cose::verify(&cp));
}
