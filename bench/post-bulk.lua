-- POST /emails with 500 recipients, each with its own template variable.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local recipients = {}
for i = 1, 500 do
  recipients[i] = string.format('{"to_email": "bulk-%d@bench.test", "template_vars": {"message": "number %d"}}', i, i)
end
wrk.body = '{"template_name": "notification", "template_vars": {"app_name": "Bench", "title": "News"}, "recipients": ['
  .. table.concat(recipients, ",") .. ']}'
