#include "libs/core/flag_file.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/temp_dir.h"

namespace coalition {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FlagFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create("flag-file");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<testing::TempDir>(*std::move(dir));
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_->path() + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::unique_ptr<testing::TempDir> dir_;
};

TEST_F(FlagFileTest, SecretLosesOnlyItsTrailingLineEnding) {
  EXPECT_EQ(*ReadSecretFlagFile("redis_password_file", Write("a", "pass word\n")), "pass word");
  EXPECT_EQ(*ReadSecretFlagFile("redis_password_file", Write("b", " pw\r\n")), " pw");
  EXPECT_EQ(*ReadSecretFlagFile("redis_password_file", Write("c", "pw")), "pw");
}

TEST_F(FlagFileTest, EmptySecretIsAnErrorNamingTheFlag) {
  absl::Status status = ReadSecretFlagFile("redis_password_file", Write("e", "\n")).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--redis_password_file"));
}

TEST_F(FlagFileTest, UnreadableFileIsAnErrorNamingTheFlagAndPath) {
  absl::Status status = ReadFlagFile("membership_tls_ca", dir_->path() + "/missing.pem").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--membership_tls_ca"));
  EXPECT_THAT(status.message(), HasSubstr("missing.pem"));
}

TEST_F(FlagFileTest, PemWithoutTheMarkerIsAnErrorThatDoesNotRepeatTheContent) {
  const std::string path = Write("key.pem", "-----BEGIN PRIVATE KEY-----\nsecret\n");
  absl::Status status = ReadPemFlagFile("tls_cert", path, "CERTIFICATE-----").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--tls_cert"));
  EXPECT_THAT(status.message(), Not(HasSubstr("secret")));
  EXPECT_TRUE(ReadPemFlagFile("tls_key", path, "PRIVATE KEY-----").ok());
}

}  // namespace
}  // namespace coalition
