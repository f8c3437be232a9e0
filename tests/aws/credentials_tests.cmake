# Temporary credentials (src/aws/sts_client.*, refreshing_credentials.*, assume_role_, web_identity_,
# imds_credentials.cc, blocking_http.*). The integration tests start tests/aws/sts_imds_server.py
# (/usr/bin/python3 with Debian's python3-botocore) on 127.0.0.1.
streamhook_test(aws_temporary_credentials_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sts_client_test.cc ${CMAKE_CURRENT_SOURCE_DIR}/refreshing_credentials_test.cc
  LIBS streamhook_aws LABELS unit)
streamhook_test(aws_temporary_credentials_integration_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/assume_role_integration_test.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/web_identity_imds_integration_test.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/profile_role_integration_test.cc
  LIBS streamhook_aws LABELS integration TIMEOUT 240)
