#include "libs/auth/api_key.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/ids.h"

namespace coalition::auth {
namespace {

using ::testing::MatchesRegex;
using ::testing::StartsWith;

TEST(NewApiKeySecretTest, IsCkAndFortyThreeBase64UrlCharacters) {
  for (int i = 0; i < 200; ++i) {
    const std::string secret = NewApiKeySecret();
    ASSERT_THAT(secret, StartsWith("ck_"));
    ASSERT_EQ(secret.size(), 3u + 43u) << secret;
    EXPECT_EQ(secret.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 3),
              std::string::npos)
        << secret;
  }
}

TEST(NewApiKeySecretTest, SecretsDoNotRepeat) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(NewApiKeySecret()).second);
}

TEST(HashApiKeySecretTest, IsLowercaseHexSha256) {
  EXPECT_EQ(HashApiKeySecret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string secret = NewApiKeySecret();
  EXPECT_THAT(HashApiKeySecret(secret), MatchesRegex("[0-9a-f]{64}"));
  EXPECT_EQ(HashApiKeySecret(secret), Sha256Hex(secret));
}

TEST(HashApiKeySecretTest, DiffersBetweenSecrets) {
  EXPECT_NE(HashApiKeySecret(NewApiKeySecret()), HashApiKeySecret(NewApiKeySecret()));
}

TEST(ApiKeyPrefixTest, IsTheFirstTenCharacters) {
  EXPECT_EQ(ApiKeyPrefix("ck_abcdefghijklmnop"), "ck_abcdefg");
  const std::string secret = NewApiKeySecret();
  EXPECT_EQ(ApiKeyPrefix(secret), secret.substr(0, 10));
}

TEST(ApiKeyPrefixTest, ShortTextIsKeptWhole) {
  EXPECT_EQ(ApiKeyPrefix("ck_ab"), "ck_ab");
  EXPECT_EQ(ApiKeyPrefix(""), "");
}

TEST(ApiKeyTest, EveryNewSecretIsWellFormedAndJunkIsNot) {
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(IsWellFormedApiKeySecret(NewApiKeySecret()));
  EXPECT_FALSE(IsWellFormedApiKeySecret(""));
  EXPECT_FALSE(IsWellFormedApiKeySecret("ck_"));
  EXPECT_FALSE(IsWellFormedApiKeySecret("xx_" + NewApiKeySecret().substr(3)));
  EXPECT_FALSE(IsWellFormedApiKeySecret(NewApiKeySecret() + "A"));
  EXPECT_FALSE(IsWellFormedApiKeySecret("ck_" + std::string(43, '+')));
}

}  // namespace
}  // namespace coalition::auth
