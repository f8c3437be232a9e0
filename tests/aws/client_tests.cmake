streamhook_test(aws_client_unit_test
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/aws_error_test.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/kinesis_json_test.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/kinesis_limits_test.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/kpl_aggregation_test.cc
  LIBS streamhook_aws
  LABELS unit)
streamhook_test(aws_client_integration_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/kinesis_client_integration_test.cc
  LIBS streamhook_aws
  LABELS integration)
