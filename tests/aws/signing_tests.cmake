# SigV4 signing and AWS credentials (src/aws/sigv4.*, credentials*.cc, profile_*.*).
streamhook_test(aws_sigv4_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sigv4_suite_test.cc ${CMAKE_CURRENT_SOURCE_DIR}/sigv4_steps_test.cc
  LIBS streamhook_aws LABELS unit)
# Runs tests/aws/botocore_sign.py with /usr/bin/python3 (Debian's python3-botocore).
streamhook_test(aws_sigv4_botocore_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sigv4_botocore_test.cc
  LIBS streamhook_aws LABELS unit)
streamhook_test(aws_credentials_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/credentials_test.cc ${CMAKE_CURRENT_SOURCE_DIR}/credentials_profile_test.cc
  LIBS streamhook_aws LABELS unit)
