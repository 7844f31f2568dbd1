/* SPDX-License-Identifier: GPL-2.0-or-later */
/* URL hashes with hand-computed vectors, trusted CIDRs (IPv4, IPv6, IPv4-mapped), the Basic header. */
#include <catch2/catch.hpp>

#include "access/basic_auth.h"
#include "access/ip_address.h"
#include "access/url_hash.h"

using namespace fbcqm::exporter;
using namespace fbcqm::exporter::access;
using fbcqm::cqm::LocalDate;

TEST_CASE("URL hash vectors computed with sha1sum and md5sum") {
  const LocalDate nov30{2026, 11, 30};
  /* printf %s circuit2026-11-30secret | sha1sum */
  CHECK(urlHashFor(HashAlgorithm::Sha1, "circuit", nov30, "secret") == "3f6446186e283235783e88c0953a2488d01e311e");
  /* printf %s circuit2026-11-30secret | md5sum */
  CHECK(urlHashFor(HashAlgorithm::Md5, "circuit", nov30, "secret") == "4e93b9c26d604a8ac4b8d5746aad2153");
  /* printf %s BBEU027781142026-11-30s3cr3t | sha1sum */
  CHECK(urlHashFor(HashAlgorithm::Sha1, "BBEU02778114", nov30, "s3cr3t") == "12cf84d19228ea46a3b9b7525f124a8d3e173ea7");

  struct Case {
    UrlHash hash;
    std::string name;
    LocalDate date;
    std::string secret;
    bool matches;
  };
  const Case cases[] = {
      {{HashAlgorithm::Sha1, "3f6446186e283235783e88c0953a2488d01e311e"}, "circuit", nov30, "secret", true},
      {{HashAlgorithm::Sha1, "3F6446186E283235783E88C0953A2488D01E311E"}, "circuit", nov30, "secret", true},
      {{HashAlgorithm::Md5, "4e93b9c26d604a8ac4b8d5746aad2153"}, "circuit", nov30, "secret", true},
      {{HashAlgorithm::Md5, "4E93B9C26D604A8AC4B8D5746AAD2153"}, "circuit", nov30, "secret", true},
      /* other day: printf %s circuit2026-12-01secret | sha1sum = 5914ab13... */
      {{HashAlgorithm::Sha1, "5914ab13632f03460b882871e0da4877951a7b15"}, "circuit", nov30, "secret", false},
      {{HashAlgorithm::Sha1, "5914ab13632f03460b882871e0da4877951a7b15"}, "circuit", {2026, 12, 1}, "secret", true},
      /* other graph: printf %s other2026-11-30secret | sha1sum = 3f58fd95... */
      {{HashAlgorithm::Sha1, "3f58fd9508bbb5b0d353405c9072918512b79da5"}, "circuit", nov30, "secret", false},
      {{HashAlgorithm::Sha1, "3f58fd9508bbb5b0d353405c9072918512b79da5"}, "other", nov30, "secret", true},
      /* other secret: printf %s circuit2026-11-30other | sha1sum = 6c5b990c... */
      {{HashAlgorithm::Sha1, "6c5b990c0f8f230259e67782beb163981bfce777"}, "circuit", nov30, "secret", false},
      /* the SHA1 digits labelled MD5 (and so cut short) */
      {{HashAlgorithm::Md5, "3f6446186e283235783e88c0953a2488"}, "circuit", nov30, "secret", false},
      /* one digit off */
      {{HashAlgorithm::Sha1, "3f6446186e283235783e88c0953a2488d01e311f"}, "circuit", nov30, "secret", false},
      /* no secret configured: nothing matches, not even the hash of an empty secret */
      {{HashAlgorithm::Sha1, urlHashFor(HashAlgorithm::Sha1, "circuit", nov30, "")}, "circuit", nov30, "", false},
  };
  for (const auto &c : cases) {
    CAPTURE(c.hash.hex, c.name, c.date.toString(), c.secret);
    CHECK(urlHashMatches(c.hash, c.name, c.date, c.secret) == c.matches);
  }
}

TEST_CASE("IP addresses: v4, v6, mapped v4 stored as v4, zones dropped, junk refused") {
  CHECK_FALSE(IpAddress::parse("127.0.0.1")->v6);
  CHECK(IpAddress::parse("::1")->v6);
  CHECK(IpAddress::parse("::ffff:127.0.0.2") == IpAddress::parse("127.0.0.2"));
  CHECK(IpAddress::parse("::FFFF:7f00:2") == IpAddress::parse("127.0.0.2"));
  CHECK(IpAddress::parse("fe80::1%eth0") == IpAddress::parse("fe80::1"));
  CHECK(IpAddress::parse("2001:db8::1")->toString() == "2001:db8::1");
  for (const char *bad : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "localhost", "::g", "1.2.3.4/32", " 1.2.3.4"})
    CHECK_FALSE(IpAddress::parse(bad));
}

TEST_CASE("CIDR matching: IPv4, IPv6 and IPv4-mapped peers") {
  struct Case {
    const char *cidr;
    const char *peer;
    bool contains;
  };
  const Case cases[] = {
      {"127.0.0.1/32", "127.0.0.1", true},
      {"127.0.0.1/32", "127.0.0.2", false},
      {"127.0.0.1", "127.0.0.1", true}, /* bare address = /32 */
      {"127.0.0.0/8", "127.255.1.2", true},
      {"127.0.0.0/8", "128.0.0.1", false},
      {"127.0.0.1/32", "::ffff:127.0.0.1", true}, /* dual-stack socket peer */
      {"127.0.0.1/32", "::ffff:127.0.0.2", false},
      {"::ffff:10.0.0.0/104", "10.9.8.7", true}, /* mapped CIDR = 10.0.0.0/8 */
      {"::ffff:10.0.0.0/104", "11.0.0.1", false},
      {"10.0.0.0/8", "::a00:1", false}, /* IPv4-compatible (deprecated) is not mapped */
      {"192.168.1.128/25", "192.168.1.200", true},
      {"192.168.1.128/25", "192.168.1.100", false},
      {"192.168.0.0/23", "192.168.1.5", true},
      {"0.0.0.0/0", "203.0.113.9", true},
      {"0.0.0.0/0", "2001:db8::1", false}, /* an IPv4 CIDR never matches IPv6 */
      {"::/0", "2001:db8::1", true},
      {"::/0", "127.0.0.1", false},
      {"::1/128", "::1", true},
      {"::1", "::2", false},
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"2001:db8:0:80::/57", "2001:db8:0:ff::1", true},
      {"2001:db8:0:80::/57", "2001:db8:0:7f::1", false},
      {"127.0.0.1/32", "", false},
      {"127.0.0.1/32", "not-an-address", false},
  };
  for (const auto &c : cases) {
    CAPTURE(c.cidr, c.peer);
    auto cidr = Cidr::parse(c.cidr);
    REQUIRE(cidr.ok());
    TrustedNetworks networks;
    networks.add(*cidr);
    CHECK(networks.contains(std::string_view(c.peer)) == c.contains);
  }
}

TEST_CASE("bad CIDRs are refused with a clear error") {
  for (const char *bad :
       {"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.1/8", "192.168.1.0/23",
        "2001:db8::/129", "2001:db8::1/32", "10.0.0.0/ 8", "10.0.0.0/08x", "fe80::/10%eth0", "fe80::%eth0/10",
        "::ffff:10.0.0.0/95", "example.org/24", "10.0.0.0/0008"}) {
    CAPTURE(bad);
    auto cidr = Cidr::parse(bad);
    REQUIRE_FALSE(cidr.ok());
    CHECK(cidr.error().find("bad CIDR") == 0);
  }
  auto hostBits = Cidr::parse("10.0.0.1/8");
  CHECK(hostBits.error().find("did you mean 10.0.0.0/8") != std::string::npos);
  auto list = TrustedNetworks::parse({"127.0.0.0/8", "::1", "nonsense"});
  REQUIRE_FALSE(list.ok());
  CHECK(list.error().find("nonsense") != std::string::npos);
  auto good = TrustedNetworks::parse({"127.0.0.0/8", "::1"});
  REQUIRE(good.ok());
  CHECK(good->cidrs().size() == 2);
  CHECK(good->cidrs()[0].toString() == "127.0.0.0/8");
}

TEST_CASE("HTTP Basic Authorization header") {
  /* printf %s 'alice:correct horse' | base64 */
  auto alice = parseBasicAuthorization("Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==");
  REQUIRE(alice);
  CHECK(alice->user == "alice");
  CHECK(alice->password == "correct horse");
  /* the scheme in any case, the password keeps its ':' (printf %s 'bob:b:b p@ss' | base64) */
  auto bob = parseBasicAuthorization("bAsIc   Ym9iOmI6YiBwQHNz");
  REQUIRE(bob);
  CHECK(bob->user == "bob");
  CHECK(bob->password == "b:b p@ss");
  /* printf %s 'nobody:x' | base64 */
  CHECK(parseBasicAuthorization("Basic bm9ib2R5Ong=")->password == "x");

  for (const std::string &bad : {
           std::string(""),
           std::string("Basic"),
           std::string("Basic "),
           std::string("Bearer YWxpY2U6d3Jvbmc="),
           std::string("Digest username=\"alice\""),
           std::string("BasicYWxpY2U6d3Jvbmc="),
           std::string("Basic YWxpY2U="),          /* "alice": no ':' */
           std::string("Basic Ong="),              /* ":x": empty user */
           std::string("Basic YWxpY2U6d3Jvbmc"),   /* padding missing */
           std::string("Basic YWxp=2U6d3Jvbmc="),  /* '=' inside */
           std::string("Basic YWxpY2U6d3Jvbmc=="), /* length not a multiple of 4 */
           std::string("Basic YWxp*2U6d3Jvbmc="),
           std::string("Basic YQBiOmM="), /* "a\0b:c": NUL */
           std::string("Basic ") + std::string(kMaxAuthorizationBytes, 'Q'),
       }) {
    CAPTURE(bad);
    CHECK_FALSE(parseBasicAuthorization(bad));
  }
}
