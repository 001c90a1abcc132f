-- The dashboard counts the emails waiting for a retry every few seconds (depth "retrying"): a
-- small partial index of just those, by due time, so the count splits into due now and due
-- later by ranges and stops at its cap instead of walking the claim index. Retries are few
-- next to fresh mail, so the index stays small and costs little on the claim's updates.
CREATE INDEX queued_email_retrying ON queued_email (due_at) WHERE NOT claimed AND retry_count > 0;
