"""The rest of sprig v2.22 as Kanister ships it: the function map itself, JSON, semver, regular
expressions, URLs, paths, environment, crypto and Kanister's FIPS replacements. Expected values
are sprig's documented examples and outputs of sprig v2.22 on Go 1.26."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Mapping
from typing import Any

import pytest

from kancli.template.gofmt import format_value
from kancli.template.sprig import FUNCS
from kancli.template.sprig.gotime import GoTime
from kancli.template.values import (
    FuncError,
    GoFunc,
    GoStruct,
    JSONStruct,
    NilPointer,
    bytes_map,
    string_map,
)

SPRIG_V2_22_NAMES = [
    "hello",
    "date",
    "date_in_zone",
    "date_modify",
    "now",
    "htmlDate",
    "htmlDateInZone",
    "dateInZone",
    "dateModify",
    "ago",
    "toDate",
    "unixEpoch",
    "abbrev",
    "abbrevboth",
    "trunc",
    "trim",
    "upper",
    "lower",
    "title",
    "untitle",
    "substr",
    "repeat",
    "trimall",
    "trimAll",
    "trimSuffix",
    "trimPrefix",
    "nospace",
    "initials",
    "randAlphaNum",
    "randAlpha",
    "randAscii",
    "randNumeric",
    "swapcase",
    "shuffle",
    "snakecase",
    "camelcase",
    "kebabcase",
    "wrap",
    "wrapWith",
    "contains",
    "hasPrefix",
    "hasSuffix",
    "quote",
    "squote",
    "cat",
    "indent",
    "nindent",
    "replace",
    "plural",
    "sha1sum",
    "sha256sum",
    "adler32sum",
    "toString",
    "atoi",
    "int64",
    "int",
    "float64",
    "toDecimal",
    "split",
    "splitList",
    "splitn",
    "toStrings",
    "until",
    "untilStep",
    "add1",
    "add",
    "sub",
    "div",
    "mod",
    "mul",
    "biggest",
    "max",
    "min",
    "ceil",
    "floor",
    "round",
    "join",
    "sortAlpha",
    "default",
    "empty",
    "coalesce",
    "compact",
    "deepCopy",
    "toJson",
    "toPrettyJson",
    "ternary",
    "typeOf",
    "typeIs",
    "typeIsLike",
    "kindOf",
    "kindIs",
    "deepEqual",
    "env",
    "expandenv",
    "getHostByName",
    "base",
    "dir",
    "clean",
    "ext",
    "isAbs",
    "b64enc",
    "b64dec",
    "b32enc",
    "b32dec",
    "tuple",
    "list",
    "dict",
    "set",
    "unset",
    "hasKey",
    "pluck",
    "keys",
    "pick",
    "omit",
    "merge",
    "mergeOverwrite",
    "values",
    "append",
    "push",
    "prepend",
    "first",
    "rest",
    "last",
    "initial",
    "reverse",
    "uniq",
    "without",
    "has",
    "slice",
    "concat",
    "genPrivateKey",
    "derivePassword",
    "buildCustomCert",
    "genCA",
    "genSelfSignedCert",
    "genSignedCert",
    "encryptAES",
    "decryptAES",
    "uuidv4",
    "semver",
    "semverCompare",
    "fail",
    "regexMatch",
    "regexFindAll",
    "regexFind",
    "regexReplaceAll",
    "regexReplaceAllLiteral",
    "regexSplit",
    "urlParse",
    "urlJoin",
]


def call(name: str, *args: Any) -> Any:
    return FUNCS[name].fn(*args)


def test_the_function_map_is_exactly_sprig_v2_22_with_kanisters_changes() -> None:
    assert sorted(FUNCS) == sorted(SPRIG_V2_22_NAMES)
    assert "bcrypt" not in FUNCS
    assert "htpasswd" not in FUNCS
    assert "toRawJson" not in FUNCS


@pytest.mark.parametrize(
    ("name", "params", "returns_error"),
    [
        pytest.param("upper", ("string",), False, id="upper"),
        pytest.param("repeat", ("int", "string"), False, id="repeat"),
        pytest.param("date", ("string", "interface{}"), False, id="date"),
        pytest.param("dateModify", ("string", "time.Time"), False, id="dateModify"),
        pytest.param("add", ("...interface{}",), False, id="add"),
        pytest.param("default", ("interface{}", "...interface{}"), False, id="default"),
        pytest.param(
            "merge", ("map[string]interface{}", "...map[string]interface{}"), False, id="merge"
        ),
        pytest.param("pick", ("map[string]interface{}", "...string"), False, id="pick"),
        pytest.param("semverCompare", ("string", "string"), True, id="semverCompare"),
        pytest.param("fail", ("string",), True, id="fail"),
        pytest.param("round", ("interface{}", "int", "...float64"), False, id="round"),
        pytest.param(
            "genSignedCert",
            ("string", "[]interface{}", "[]interface{}", "int", "sprig.certificate"),
            True,
            id="genSignedCert",
        ),
    ],
)
def test_functions_declare_sprigs_go_signature(
    name: str, params: tuple[str, ...], returns_error: bool
) -> None:
    fn = FUNCS[name]
    assert isinstance(fn, GoFunc)
    assert fn.name == name
    assert fn.params == params
    assert fn.returns_error is returns_error


# -- JSON ------------------------------------------------------------------------------------


class Location(GoStruct):
    go_type = "crd.Location"

    def go_fields(self) -> Mapping[str, Any]:
        return {
            "Type": "s3Compliant",
            "Bucket": "b",
            "Endpoint": "http://e",
            "Prefix": "p",
            "Region": "r",
        }

    def go_json(self) -> Any:
        return JSONStruct(
            type="s3Compliant", bucket="b", endpoint="http://e", prefix="p", region="r"
        )


class Profile(GoStruct):
    """Shaped like Kanister's ``param.Profile`` (reference §2.4)."""

    go_type = "*param.Profile"

    def go_fields(self) -> Mapping[str, Any]:
        return {"Location": Location(), "Credential": None, "SkipSSLVerify": False}

    def go_json(self) -> Any:
        credential = JSONStruct(
            Type="keyPair",
            KeyPair=JSONStruct(ID="id<1>", Secret="s&2"),
            Secret=NilPointer("*v1.Secret"),
            KopiaServerSecret=NilPointer("*param.KopiaServerCreds"),
        )
        return JSONStruct(Location=Location(), Credential=credential, SkipSSLVerify=False)


def test_to_json_of_a_profile_is_byte_identical_to_kanisters() -> None:
    assert call("toJson", Profile()) == (
        '{"Location":{"type":"s3Compliant","bucket":"b","endpoint":"http://e","prefix":"p",'
        '"region":"r"},"Credential":{"Type":"keyPair","KeyPair":{"ID":"id\\u003c1\\u003e",'
        '"Secret":"s\\u00262"},"Secret":null,"KopiaServerSecret":null},"SkipSSLVerify":false}'
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            {"b": 1, "a": [1.5, None, True]}, '{"a":[1.5,null,true],"b":1}', id="sorted-keys"
        ),
        pytest.param("x<y>&", '"x\\u003cy\\u003e\\u0026"', id="html-escaped"),
        pytest.param("\u2028\t\b\f\x01é", '"\\u2028\\t\\b\\f\\u0001é"', id="control-chars"),
        pytest.param(
            [1e21, 1e-7, 0.000001, 100000000.0, 3.0],
            "[1e+21,1e-7,0.000001,100000000,3]",
            id="floats",
        ),
        pytest.param(
            [5e-324, 1.7976931348623157e308],
            "[5e-324,1.7976931348623157e+308]",
            id="float-extremes",
        ),
        pytest.param(b"hi\x00", '"aGkA"', id="bytes-base64"),
        pytest.param(bytes_map({"k": b"v"}), '{"k":"dg=="}', id="secret-data"),
        pytest.param(string_map({"b": "2", "a": "1"}), '{"a":"1","b":"2"}', id="typed-map"),
        pytest.param(None, "null", id="nil"),
        pytest.param(NilPointer("*param.Profile"), "null", id="nil-pointer"),
        pytest.param([], "[]", id="empty-list"),
        pytest.param({}, "{}", id="empty-map"),
        pytest.param(float("nan"), "", id="nan-is-unsupported"),
    ],
)
def test_to_json_marshals_as_go_does(value: Any, expected: str) -> None:
    assert call("toJson", value) == expected


def test_to_json_of_a_time_is_rfc3339_with_nanoseconds() -> None:
    t = call("toDate", "2006-01-02T15:04:05.999999999Z07:00", "2026-08-21T10:11:12.123456789Z")
    assert isinstance(t, GoTime)
    assert call("toJson", t) == '"2026-08-21T10:11:12.123456789Z"'
    t2 = call("toDate", "2006-01-02T15:04:05Z07:00", "2020-01-02T03:04:05+05:30")
    assert call("toJson", t2) == '"2020-01-02T03:04:05+05:30"'


def test_to_pretty_json_indents_two_spaces_and_keeps_empty_containers_compact() -> None:
    value = {"b": 1, "a": [1, {"z": []}, {}]}
    assert call("toPrettyJson", value) == (
        '{\n  "a": [\n    1,\n    {\n      "z": []\n    },\n    {}\n  ],\n  "b": 1\n}'
    )
    assert call("toPrettyJson", 1) == "1"


# -- semver ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("constraint", "version", "expected"),
    [
        pytest.param(">=1.2.3", "1.2.3", True, id="gte"),
        pytest.param("^1.2", "1.9.0", True, id="caret"),
        pytest.param("^1.2", "2.0.0", False, id="caret-major"),
        pytest.param("^0.2.3", "0.9.0", True, id="caret-zero-major-v1-semantics"),
        pytest.param("~1.2.3", "1.2.9", True, id="tilde"),
        pytest.param("~1.2.3", "1.3.0", False, id="tilde-minor"),
        pytest.param("~1.x", "2.0.0", False, id="tilde-wildcard"),
        pytest.param("1.x", "1.5.0", True, id="wildcard"),
        pytest.param("*", "0.0.1", True, id="star"),
        pytest.param("1.2 - 1.4.5", "1.4.5", True, id="range"),
        pytest.param("1.2 - 1.4.5", "1.4.6", False, id="range-above"),
        pytest.param(">1.0, <2.0 || =3.0.0", "3.0.0", True, id="or"),
        pytest.param(">1.0", "1.5.0-beta", False, id="prerelease-excluded"),
        pytest.param(">1.0-0", "1.5.0-beta", True, id="prerelease-opt-in"),
        pytest.param("!=1.2.3", "1.2.3-beta", True, id="not-equal-prerelease"),
        pytest.param("!=4.x", "4.1.0", False, id="not-equal-wildcard"),
        pytest.param("<=1.2.x", "1.2.9", True, id="lte-wildcard"),
        pytest.param("<1.x", "1.5.0", True, id="lt-wildcard-v1-quirk"),
        pytest.param("=>1.0", "1.0.0", True, id="reversed-operator"),
        pytest.param("<1.2.3-beta.10", "1.2.3-beta.9", True, id="numeric-prerelease"),
        pytest.param("<1.2.3-beta.b", "1.2.3-beta.10", True, id="numeric-before-alpha"),
        pytest.param("v1.2.3", "1.2.3+b", True, id="metadata-ignored"),
    ],
)
def test_semver_compare_follows_masterminds_semver_v1(
    constraint: str, version: str, expected: bool
) -> None:
    assert call("semverCompare", constraint, version) is expected


@pytest.mark.parametrize(
    ("constraint", "version", "message"),
    [
        pytest.param("nope", "1.0.0", "improper constraint: nope", id="bad-constraint"),
        pytest.param("", "1.0.0", "improper constraint: ", id="empty-constraint"),
        pytest.param("^1", "1.0.0.0", "Invalid Semantic Version", id="bad-version"),
        pytest.param(
            "*",
            "99999999999999999999.0.0",
            'Error parsing version segment: strconv.ParseInt: parsing "99999999999999999999": '
            "value out of range",
            id="overflow",
        ),
    ],
)
def test_semver_errors_carry_semvers_messages(constraint: str, version: str, message: str) -> None:
    with pytest.raises(FuncError) as err:
        call("semverCompare", constraint, version)
    assert str(err.value) == message


def test_semver_returns_a_version_with_its_methods_and_string_form() -> None:
    v = call("semver", "v1.2.3-alpha.1+build.5")
    assert format_value(v) == "1.2.3-alpha.1+build.5"
    assert call("toJson", v) == '"1.2.3-alpha.1+build.5"'
    assert call("typeOf", v) == "*semver.Version"
    methods = v.go_methods()
    assert methods["Major"].fn() == 1
    assert methods["Prerelease"].fn() == "alpha.1"
    assert methods["Metadata"].fn() == "build.5"
    assert methods["Original"].fn() == "v1.2.3-alpha.1+build.5"
    assert methods["Compare"].fn(call("semver", "1.2.3")) == -1
    bumped = call("semver", "1.2.3").go_methods()["IncPatch"].fn()
    assert format_value(bumped) == "{1 2 4   1.2.4}"


# -- regular expressions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        pytest.param("regexMatch", ("^[a-z]+\\[[0-9]+\\]$", "abc[123]"), True, id="doc-regexMatch"),
        pytest.param(
            "regexFindAll", ("[2,4,6,8]", "123456789", -1), ["2", "4", "6", "8"], id="doc-findAll"
        ),
        pytest.param("regexFindAll", ("[2,4,6,8]", "123456789", 2), ["2", "4"], id="findAll-limit"),
        pytest.param("regexFind", ("[a-zA-Z][1-9]", "abcd1234"), "d1", id="doc-find"),
        pytest.param("regexFind", ("z", "abc"), "", id="find-none"),
        pytest.param(
            "regexReplaceAll", ("a(x*)b", "-ab-axxb-", "${1}W"), "-W-xxW-", id="doc-replaceAll"
        ),
        pytest.param(
            "regexReplaceAll", ("a(x*)b", "-ab-axxb-", "$1W"), "---", id="dollar-name-greedy"
        ),
        pytest.param(
            "regexReplaceAllLiteral",
            ("a(x*)b", "-ab-axxb-", "${1}"),
            "-${1}-${1}-",
            id="doc-literal",
        ),
        pytest.param("regexSplit", ("z+", "pizza", -1), ["pi", "a"], id="doc-split"),
        pytest.param("regexSplit", ("z+", "pizza", 1), ["pizza"], id="split-one"),
        pytest.param(
            "regexFindAll", ("a*", "baaab", -1), ["", "aaa", ""], id="empty-matches-go-rule"
        ),
        pytest.param("regexReplaceAll", ("a*", "baaab", "-"), "-b-b-", id="replace-empty-matches"),
        pytest.param(
            "regexReplaceAll",
            ("(?P<first>\\w+) (?P<last>\\w+)", "John Smith", "$last, $first"),
            "Smith, John",
            id="named-groups",
        ),
        pytest.param(
            "regexFindAll",
            ("\\d+\\b", "12 ab34 56é 78", -1),
            ["12", "34", "56", "78"],
            id="ascii-perl-classes",
        ),
        pytest.param("regexMatch", ("a$", "a\n"), False, id="dollar-is-end-of-text"),
        pytest.param("regexMatch", ("(?m)a$", "a\nb"), True, id="multiline"),
        pytest.param(
            "regexFindAll", ("(?i)hello", "Hello HELLO héllo", -1), ["Hello", "HELLO"], id="flags"
        ),
        pytest.param("regexFind", ("x{,3}", "x{,3}"), "x{,3}", id="literal-brace"),
        pytest.param(
            "regexFindAll",
            ("\\x41\\101[[:digit:]]\\s", "AA1 AA2\t", -1),
            ["AA1 ", "AA2\t"],
            id="escapes",
        ),
        pytest.param("regexMatch", ("\\Qa.b\\E", "axb"), False, id="quoted-literal"),
        pytest.param("regexMatch", ("(", "x"), False, id="match-bad-pattern-is-false"),
        pytest.param("regexMatch", ("(?=a)", "a"), False, id="lookahead-unsupported-in-re2"),
    ],
)
def test_regex_functions_use_re2_semantics(name: str, args: tuple[Any, ...], expected: Any) -> None:
    assert call(name, *args) == expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        pytest.param(
            "(", "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`", id="paren"
        ),
        pytest.param(
            "a{1001}",
            "regexp: Compile(`a{1001}`): error parsing regexp: invalid repeat count: `{1001}`",
            id="repeat",
        ),
        pytest.param(
            "(?=x)",
            "regexp: Compile(`(?=x)`): error parsing regexp: "
            "invalid or unsupported Perl syntax: `(?=`",
            id="lookahead",
        ),
        pytest.param(
            "\\1",
            "regexp: Compile(`\\1`): error parsing regexp: invalid escape sequence: `\\1`",
            id="backref",
        ),
    ],
)
def test_bad_patterns_fail_with_must_compiles_panic(pattern: str, message: str) -> None:
    with pytest.raises(FuncError) as err:
        call("regexFind", pattern, "x")
    assert str(err.value) == message


# -- URLs and paths --------------------------------------------------------------------------


def test_url_parse_splits_a_url_as_go_does() -> None:
    parsed = call("urlParse", "https://user:pass@host.example:8080/path/a%20b?q=1&r=2#frag%20x")
    assert parsed == {
        "scheme": "https",
        "host": "host.example:8080",
        "hostname": "host.example",
        "path": "/path/a b",
        "query": "q=1&r=2",
        "opaque": "",
        "fragment": "frag x",
        "userinfo": "user:pass",
    }
    assert call("urlParse", "mailto:someone@example.com")["opaque"] == "someone@example.com"
    assert call("urlParse", "http://[fe80::1%25en0]:8080/")["hostname"] == "fe80::1%en0"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param(
            "%zz", 'unable to parse url: parse "%zz": invalid URL escape "%zz"', id="escape"
        ),
        pytest.param(
            "http://a b/",
            'unable to parse url: parse "http://a b/": invalid character " " in host name',
            id="host",
        ),
        pytest.param(
            "1http://x",
            'unable to parse url: parse "1http://x": '
            "first path segment in URL cannot contain colon",
            id="colon",
        ),
        pytest.param(":x", 'unable to parse url: parse ":x": missing protocol scheme', id="scheme"),
        pytest.param(
            "http://host:port/",
            'unable to parse url: parse "http://host:port/": invalid port ":port" after host',
            id="port",
        ),
    ],
)
def test_url_parse_fails_like_go(url: str, message: str) -> None:
    with pytest.raises(FuncError) as err:
        call("urlParse", url)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        pytest.param(
            {
                "scheme": "https",
                "host": "example.com",
                "path": "/a b",
                "query": "x=1",
                "fragment": "f g",
                "userinfo": "us%40er:p@ss",
            },
            "https://us%40er:p%40ss@example.com/a%20b?x=1#f%20g",
            id="full",
        ),
        pytest.param({"path": "a:b"}, "./a:b", id="colon-path"),
        pytest.param({"scheme": "mailto", "opaque": "x@y"}, "mailto:x@y", id="opaque"),
        pytest.param({"host": "h", "path": "p"}, "//h/p", id="relative-path-with-host"),
        pytest.param(
            {"scheme": "http", "host": "h", "path": "/ä ö?#", "fragment": "x!()*'#"},
            "http://h/%C3%A4%20%C3%B6%3F%23#x!()*%27%23",
            id="escaping",
        ),
        pytest.param({}, "", id="empty"),
    ],
)
def test_url_join_builds_the_url_go_would(parts: dict[str, Any], expected: str) -> None:
    assert call("urlJoin", parts) == expected


def test_url_join_rejects_non_string_parts() -> None:
    with pytest.raises(
        FuncError, match="unable to parse host key, must be of type string, but int found"
    ):
        call("urlJoin", {"host": 1})


@pytest.mark.parametrize(
    ("name", "arg", "expected"),
    [
        pytest.param("base", "/a/b/c.txt", "c.txt", id="base"),
        pytest.param("base", "", ".", id="base-empty"),
        pytest.param("base", "a/b/", "b", id="base-trailing-slash"),
        pytest.param("base", "/", "/", id="base-root"),
        pytest.param("dir", "/a/b/c", "/a/b", id="dir"),
        pytest.param("dir", "c", ".", id="dir-relative"),
        pytest.param("clean", "a//b/../c/.", "a/c", id="clean"),
        pytest.param("clean", "//a", "/a", id="clean-double-slash"),
        pytest.param("clean", "/../a", "/a", id="clean-rooted-dotdot"),
        pytest.param("clean", "../../a/..", "../..", id="clean-relative-dotdot"),
        pytest.param("clean", "", ".", id="clean-empty"),
        pytest.param("ext", "a/b.tar.gz", ".gz", id="ext"),
        pytest.param("ext", "a.b/c", "", id="ext-last-element-only"),
        pytest.param("isAbs", "/a", True, id="isAbs"),
        pytest.param("isAbs", "a", False, id="isAbs-relative"),
    ],
)
def test_path_functions_follow_gos_path_package(name: str, arg: str, expected: Any) -> None:
    assert call(name, arg) == expected


# -- environment and network -----------------------------------------------------------------


def test_env_and_expandenv_read_kancli_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KANCLI_SPRIG_X", "val")
    monkeypatch.delenv("KANCLI_SPRIG_UNSET", raising=False)
    assert call("env", "KANCLI_SPRIG_X") == "val"
    assert call("env", "KANCLI_SPRIG_UNSET") == ""
    got = call("expandenv", "a $KANCLI_SPRIG_X ${KANCLI_SPRIG_X}b $ ${} ${x $1 $$ end$")
    assert got == "a val valb $  x   end$"


def test_get_host_by_name_resolves_localhost() -> None:
    assert call("getHostByName", "localhost") in ("127.0.0.1", "::1")


def test_get_host_by_name_fails_like_sprig_when_nothing_resolves() -> None:
    with pytest.raises(FuncError, match="invalid argument to Intn"):
        call("getHostByName", "no-such-host.invalid")


# -- crypto and Kanister's FIPS replacements --------------------------------------------------


def test_derive_password_is_refused_as_not_fips_compatible() -> None:
    with pytest.raises(FuncError) as err:
        call("derivePassword", 1, "long", "password", "user", "example.com")
    assert str(err.value) == (
        "sprig usage of 'derivePassword' is not allowed by kanister as it is not FIPS compatible"
    )


@pytest.mark.parametrize("key_type", ["dsa", "", "RSA"])
def test_gen_private_key_refuses_other_key_types(key_type: str) -> None:
    with pytest.raises(FuncError) as err:
        call("genPrivateKey", key_type)
    usage = f"genPrivateKey for {key_type}"
    assert str(err.value) == (
        f"sprig usage of '{usage}' is not allowed by kanister as it is not FIPS compatible"
    )


def test_gen_private_key_ed25519_is_unknown_to_sprig_v2() -> None:
    assert call("genPrivateKey", "ed25519") == "Unknown type ed25519"


def test_gen_private_key_ecdsa_is_a_pem_ec_key() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    pem = call("genPrivateKey", "ecdsa")
    assert pem.startswith("-----BEGIN EC PRIVATE KEY-----\n")
    key = load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.curve.name == "secp256r1"


@pytest.mark.slow
def test_gen_private_key_rsa_is_a_4096_bit_pkcs1_key() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    pem = call("genPrivateKey", "rsa")
    assert pem.startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    key = load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 4096


def test_encrypt_aes_round_trips_and_uses_sprigs_scheme() -> None:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    secret = call("encryptAES", "secretkey", "plaintext")
    assert call("decryptAES", "secretkey", secret) == "plaintext"
    raw = base64.b64decode(secret)
    key = b"secretkey".ljust(32, b"\0")
    dec = Cipher(algorithms.AES(key), modes.CBC(raw[:16])).decryptor()
    assert dec.update(raw[16:]) + dec.finalize() == b"plaintext" + bytes([7]) * 7
    assert call("encryptAES", "k", "") == ""
    assert call("decryptAES", "k", "") == ""


def test_decrypt_aes_reports_bad_base64_as_an_error() -> None:
    with pytest.raises(FuncError, match="illegal base64 data at input byte 0"):
        call("decryptAES", "k", "!!!!")


def test_gen_ca_and_signed_certs_chain_up() -> None:
    from cryptography import x509

    ca = call("genCA", "my-ca", 365)
    assert call("typeOf", ca) == "sprig.certificate"
    ca_cert = x509.load_pem_x509_certificate(ca.go_fields()["Cert"].encode())
    assert ca_cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    leaf = call("genSignedCert", "svc", ["10.0.0.1"], ["svc.local"], 30, ca)
    leaf_cert = x509.load_pem_x509_certificate(leaf.go_fields()["Cert"].encode())
    leaf_cert.verify_directly_issued_by(ca_cert)
    sans = leaf_cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["svc.local"]
    assert [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)] == ["10.0.0.1"]
    assert leaf.go_fields()["Key"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    custom = call(
        "buildCustomCert",
        base64.b64encode(leaf.go_fields()["Cert"].encode()).decode(),
        base64.b64encode(leaf.go_fields()["Key"].encode()).decode(),
    )
    assert custom.go_fields() == leaf.go_fields()


def test_self_signed_cert_rejects_bad_ips() -> None:
    with pytest.raises(FuncError, match=r"error parsing ip: 300\.1\.1\.1"):
        call("genSelfSignedCert", "x", ["300.1.1.1"], [], 1)
    with pytest.raises(FuncError, match="error parsing ip: 1 is not a string"):
        call("genSelfSignedCert", "x", [1], [], 1)


def test_build_custom_cert_rejects_undecodable_input() -> None:
    with pytest.raises(FuncError, match="unable to decode base64 certificate"):
        call("buildCustomCert", "!!", "")
    with pytest.raises(FuncError, match="unable to decode certificate"):
        call("buildCustomCert", base64.b64encode(b"not pem").decode(), "")


# -- every interface{} parameter takes every kind of value -----------------------------------


class _Struct(GoStruct):
    go_type = "main.S"

    def go_fields(self) -> Mapping[str, Any]:
        return {"A": 1, "B": [1, "x"]}


_VALUE_KINDS: list[Any] = [
    None,
    True,
    0,
    -7,
    2.5,
    float("nan"),
    "",
    "text",
    b"\x00\xff",
    [],
    [1, "a", None],
    {},
    {"k": [1]},
    string_map({"a": "1"}),
    bytes_map({"a": b"1"}),
    JSONStruct(b=1, a=2),
    _Struct(),
    Profile(),
    NilPointer("*param.Profile"),
    GoTime(2026, 8, 21, tzinfo=None),
    FUNCS["upper"],
]
_ANY_ONLY = sorted(
    name
    for name, fn in FUNCS.items()
    if fn.params and all(p in ("interface{}", "...interface{}") for p in fn.params)
)


@pytest.mark.parametrize("name", _ANY_ONLY)
def test_interface_parameters_accept_every_value_kind(name: str) -> None:
    fn = FUNCS[name]
    arity = len(fn.params)
    for value in _VALUE_KINDS:
        for other in (value, "x", [1]):
            args = [value, other][:arity] if arity <= 2 else [value, other, value]
            # A FuncError is a Go panic or error the engine reports; anything else is a bug.
            with contextlib.suppress(FuncError):
                fn.fn(*args)
