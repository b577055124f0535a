# Pure domain rules and request validation of the membership service: no server, no store.
coalition_test(NAME membership_domain_test LABEL unit
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/domain_rules_test.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/domain_validation_test.cc
  LIBS membership_service)
