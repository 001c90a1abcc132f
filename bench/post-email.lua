-- One plain email per request, as a typical client sends it.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"to_email": "load@bench.test", "subject": "Load test", "body": "Hello from wrk. This is a short transactional email body.", "priority": 2}'
