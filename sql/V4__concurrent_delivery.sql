-- Delivery runs beside selection: a SENDING row claimed by the running execution is in flight, one claimed by
-- an earlier (dead) execution is in doubt.
ALTER TABLE invitation ADD COLUMN sending_execution_id bigint;
