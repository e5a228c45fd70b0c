ALTER TABLE ONLY alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);

ALTER TABLE ONLY assessments
    ADD CONSTRAINT assessments_pk PRIMARY KEY (assessment_id);

ALTER TABLE ONLY datasets
    ADD CONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest);

ALTER TABLE ONLY endpoint_bindings
    ADD CONSTRAINT endpoint_bindings_pk PRIMARY KEY (endpoint_id, resource_type, resource_id);

ALTER TABLE ONLY endpoint_model_mappings
    ADD CONSTRAINT endpoint_model_mappings_pk PRIMARY KEY (mapping_id);

ALTER TABLE ONLY endpoint_tags
    ADD CONSTRAINT endpoint_tag_pk PRIMARY KEY (key, endpoint_id);

ALTER TABLE ONLY endpoints
    ADD CONSTRAINT endpoints_pk PRIMARY KEY (endpoint_id);

ALTER TABLE ONLY entity_associations
    ADD CONSTRAINT entity_associations_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id);

ALTER TABLE ONLY evaluation_dataset_records
    ADD CONSTRAINT evaluation_dataset_records_pk PRIMARY KEY (dataset_record_id);

ALTER TABLE ONLY evaluation_dataset_tags
    ADD CONSTRAINT evaluation_dataset_tags_pk PRIMARY KEY (dataset_id, key);

ALTER TABLE ONLY evaluation_datasets
    ADD CONSTRAINT evaluation_datasets_pk PRIMARY KEY (dataset_id);

ALTER TABLE ONLY experiments
    ADD CONSTRAINT experiment_pk PRIMARY KEY (experiment_id);

ALTER TABLE ONLY experiment_tags
    ADD CONSTRAINT experiment_tag_pk PRIMARY KEY (key, experiment_id);

ALTER TABLE ONLY experiments
    ADD CONSTRAINT experiments_name_key UNIQUE (name);

ALTER TABLE ONLY input_tags
    ADD CONSTRAINT input_tags_pk PRIMARY KEY (input_uuid, name);

ALTER TABLE ONLY inputs
    ADD CONSTRAINT inputs_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id);

ALTER TABLE ONLY jobs
    ADD CONSTRAINT jobs_pk PRIMARY KEY (id);

ALTER TABLE ONLY latest_metrics
    ADD CONSTRAINT latest_metric_pk PRIMARY KEY (key, run_uuid);

ALTER TABLE ONLY logged_model_metrics
    ADD CONSTRAINT logged_model_metrics_pk PRIMARY KEY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id);

ALTER TABLE ONLY logged_model_params
    ADD CONSTRAINT logged_model_params_pk PRIMARY KEY (model_id, param_key);

ALTER TABLE ONLY logged_model_tags
    ADD CONSTRAINT logged_model_tags_pk PRIMARY KEY (model_id, tag_key);

ALTER TABLE ONLY logged_models
    ADD CONSTRAINT logged_models_pk PRIMARY KEY (model_id);

ALTER TABLE ONLY metrics
    ADD CONSTRAINT metric_pk PRIMARY KEY (key, "timestamp", step, run_uuid, value, is_nan);

ALTER TABLE ONLY model_definitions
    ADD CONSTRAINT model_definitions_pk PRIMARY KEY (model_definition_id);

ALTER TABLE ONLY model_versions
    ADD CONSTRAINT model_version_pk PRIMARY KEY (name, version);

ALTER TABLE ONLY model_version_tags
    ADD CONSTRAINT model_version_tag_pk PRIMARY KEY (key, name, version);

ALTER TABLE ONLY params
    ADD CONSTRAINT param_pk PRIMARY KEY (key, run_uuid);

ALTER TABLE ONLY registered_model_aliases
    ADD CONSTRAINT registered_model_alias_pk PRIMARY KEY (name, alias);

ALTER TABLE ONLY registered_models
    ADD CONSTRAINT registered_model_pk PRIMARY KEY (name);

ALTER TABLE ONLY registered_model_tags
    ADD CONSTRAINT registered_model_tag_pk PRIMARY KEY (key, name);

ALTER TABLE ONLY runs
    ADD CONSTRAINT run_pk PRIMARY KEY (run_uuid);

ALTER TABLE ONLY scorers
    ADD CONSTRAINT scorer_pk PRIMARY KEY (scorer_id);

ALTER TABLE ONLY scorer_versions
    ADD CONSTRAINT scorer_version_pk PRIMARY KEY (scorer_id, scorer_version);

ALTER TABLE ONLY secrets
    ADD CONSTRAINT secrets_pk PRIMARY KEY (secret_id);

ALTER TABLE ONLY spans
    ADD CONSTRAINT spans_pk PRIMARY KEY (trace_id, span_id);

ALTER TABLE ONLY tags
    ADD CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid);

ALTER TABLE ONLY trace_info
    ADD CONSTRAINT trace_info_pk PRIMARY KEY (request_id);

ALTER TABLE ONLY trace_request_metadata
    ADD CONSTRAINT trace_request_metadata_pk PRIMARY KEY (key, request_id);

ALTER TABLE ONLY trace_tags
    ADD CONSTRAINT trace_tag_pk PRIMARY KEY (key, request_id);

ALTER TABLE ONLY evaluation_dataset_records
    ADD CONSTRAINT unique_dataset_input UNIQUE (dataset_id, input_hash);

ALTER TABLE ONLY webhook_events
    ADD CONSTRAINT webhook_event_pk PRIMARY KEY (webhook_id, entity, action);

ALTER TABLE ONLY webhooks
    ADD CONSTRAINT webhook_pk PRIMARY KEY (webhook_id);

CREATE INDEX idx_webhook_events_action ON webhook_events USING btree (action);

CREATE INDEX idx_webhook_events_entity ON webhook_events USING btree (entity);

CREATE INDEX idx_webhook_events_entity_action ON webhook_events USING btree (entity, action);

CREATE INDEX idx_webhooks_name ON webhooks USING btree (name);

CREATE INDEX idx_webhooks_status ON webhooks USING btree (status);

CREATE INDEX index_assessments_assessment_type ON assessments USING btree (assessment_type);

CREATE INDEX index_assessments_last_updated_timestamp ON assessments USING btree (last_updated_timestamp);

CREATE INDEX index_assessments_run_id_created_timestamp ON assessments USING btree (run_id, created_timestamp);

CREATE INDEX index_assessments_trace_id_created_timestamp ON assessments USING btree (trace_id, created_timestamp);

CREATE INDEX index_datasets_dataset_uuid ON datasets USING btree (dataset_uuid);

CREATE INDEX index_datasets_experiment_id_dataset_source_type ON datasets USING btree (experiment_id, dataset_source_type);

CREATE INDEX index_endpoint_model_mappings_endpoint_id ON endpoint_model_mappings USING btree (endpoint_id);

CREATE INDEX index_endpoint_model_mappings_model_definition_id ON endpoint_model_mappings USING btree (model_definition_id);

CREATE INDEX index_endpoint_tags_endpoint_id ON endpoint_tags USING btree (endpoint_id);

CREATE INDEX index_entity_associations_association_id ON entity_associations USING btree (association_id);

CREATE INDEX index_entity_associations_reverse_lookup ON entity_associations USING btree (destination_type, destination_id, source_type, source_id);

CREATE INDEX index_evaluation_dataset_records_dataset_id ON evaluation_dataset_records USING btree (dataset_id);

CREATE INDEX index_evaluation_dataset_tags_dataset_id ON evaluation_dataset_tags USING btree (dataset_id);

CREATE INDEX index_evaluation_datasets_created_time ON evaluation_datasets USING btree (created_time);

CREATE INDEX index_evaluation_datasets_name ON evaluation_datasets USING btree (name);

CREATE INDEX index_inputs_destination_type_destination_id_source_type ON inputs USING btree (destination_type, destination_id, source_type);

CREATE INDEX index_inputs_input_uuid ON inputs USING btree (input_uuid);

CREATE INDEX index_jobs_function_status_creation_time ON jobs USING btree (function_fullname, status, creation_time);

CREATE INDEX index_latest_metrics_run_uuid ON latest_metrics USING btree (run_uuid);

CREATE INDEX index_logged_model_metrics_model_id ON logged_model_metrics USING btree (model_id);

CREATE INDEX index_metrics_run_uuid ON metrics USING btree (run_uuid);

CREATE INDEX index_model_definitions_provider ON model_definitions USING btree (provider);

CREATE INDEX index_model_definitions_secret_id ON model_definitions USING btree (secret_id);

CREATE INDEX index_params_run_uuid ON params USING btree (run_uuid);

CREATE INDEX index_scorer_versions_scorer_id ON scorer_versions USING btree (scorer_id);

CREATE UNIQUE INDEX index_scorers_experiment_id_scorer_name ON scorers USING btree (experiment_id, scorer_name);

CREATE INDEX index_spans_experiment_id ON spans USING btree (experiment_id);

CREATE INDEX index_spans_experiment_id_duration ON spans USING btree (experiment_id, duration_ns);

CREATE INDEX index_spans_experiment_id_status_type ON spans USING btree (experiment_id, status, type);

CREATE INDEX index_spans_experiment_id_type_status ON spans USING btree (experiment_id, type, status);

CREATE INDEX index_tags_run_uuid ON tags USING btree (run_uuid);

CREATE INDEX index_trace_info_experiment_id_timestamp_ms ON trace_info USING btree (experiment_id, timestamp_ms);

CREATE INDEX index_trace_request_metadata_request_id ON trace_request_metadata USING btree (request_id);

CREATE INDEX index_trace_tags_request_id ON trace_tags USING btree (request_id);

CREATE UNIQUE INDEX unique_endpoint_model_mapping ON endpoint_model_mappings USING btree (endpoint_id, model_definition_id);

CREATE UNIQUE INDEX unique_endpoint_name ON endpoints USING btree (name);

CREATE UNIQUE INDEX unique_model_definition_name ON model_definitions USING btree (name);

CREATE UNIQUE INDEX unique_secret_name ON secrets USING btree (secret_name);

CREATE TRIGGER prevent_secrets_aad_mutation BEFORE UPDATE ON secrets FOR EACH ROW EXECUTE FUNCTION prevent_secrets_aad_mutation();

ALTER TABLE ONLY experiment_tags
    ADD CONSTRAINT experiment_tags_experiment_id_fkey FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id);

ALTER TABLE ONLY assessments
    ADD CONSTRAINT fk_assessments_trace_id FOREIGN KEY (trace_id) REFERENCES trace_info(request_id) ON DELETE CASCADE;

ALTER TABLE ONLY datasets
    ADD CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id) ON DELETE CASCADE;

ALTER TABLE ONLY endpoint_bindings
    ADD CONSTRAINT fk_endpoint_bindings_endpoint_id FOREIGN KEY (endpoint_id) REFERENCES endpoints(endpoint_id) ON DELETE CASCADE;

ALTER TABLE ONLY endpoint_model_mappings
    ADD CONSTRAINT fk_endpoint_model_mappings_endpoint_id FOREIGN KEY (endpoint_id) REFERENCES endpoints(endpoint_id) ON DELETE CASCADE;

ALTER TABLE ONLY endpoint_model_mappings
    ADD CONSTRAINT fk_endpoint_model_mappings_model_definition_id FOREIGN KEY (model_definition_id) REFERENCES model_definitions(model_definition_id);

ALTER TABLE ONLY endpoint_tags
    ADD CONSTRAINT fk_endpoint_tags_endpoint_id FOREIGN KEY (endpoint_id) REFERENCES endpoints(endpoint_id) ON DELETE CASCADE;

ALTER TABLE ONLY evaluation_dataset_records
    ADD CONSTRAINT fk_evaluation_dataset_records_dataset_id FOREIGN KEY (dataset_id) REFERENCES evaluation_datasets(dataset_id) ON DELETE CASCADE;

ALTER TABLE ONLY evaluation_dataset_tags
    ADD CONSTRAINT fk_evaluation_dataset_tags_dataset_id FOREIGN KEY (dataset_id) REFERENCES evaluation_datasets(dataset_id) ON DELETE CASCADE;

ALTER TABLE ONLY logged_model_metrics
    ADD CONSTRAINT fk_logged_model_metrics_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id);

ALTER TABLE ONLY logged_model_metrics
    ADD CONSTRAINT fk_logged_model_metrics_model_id FOREIGN KEY (model_id) REFERENCES logged_models(model_id) ON DELETE CASCADE;

ALTER TABLE ONLY logged_model_metrics
    ADD CONSTRAINT fk_logged_model_metrics_run_id FOREIGN KEY (run_id) REFERENCES runs(run_uuid) ON DELETE CASCADE;

ALTER TABLE ONLY logged_model_params
    ADD CONSTRAINT fk_logged_model_params_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id);

ALTER TABLE ONLY logged_model_params
    ADD CONSTRAINT fk_logged_model_params_model_id FOREIGN KEY (model_id) REFERENCES logged_models(model_id) ON DELETE CASCADE;

ALTER TABLE ONLY logged_model_tags
    ADD CONSTRAINT fk_logged_model_tags_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id);

ALTER TABLE ONLY logged_model_tags
    ADD CONSTRAINT fk_logged_model_tags_model_id FOREIGN KEY (model_id) REFERENCES logged_models(model_id) ON DELETE CASCADE;

ALTER TABLE ONLY logged_models
    ADD CONSTRAINT fk_logged_models_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id) ON DELETE CASCADE;

ALTER TABLE ONLY model_definitions
    ADD CONSTRAINT fk_model_definitions_secret_id FOREIGN KEY (secret_id) REFERENCES secrets(secret_id) ON DELETE SET NULL;

ALTER TABLE ONLY scorer_versions
    ADD CONSTRAINT fk_scorer_versions_scorer_id FOREIGN KEY (scorer_id) REFERENCES scorers(scorer_id) ON DELETE CASCADE;

ALTER TABLE ONLY scorers
    ADD CONSTRAINT fk_scorers_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id) ON DELETE CASCADE;

ALTER TABLE ONLY spans
    ADD CONSTRAINT fk_spans_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id);

ALTER TABLE ONLY spans
    ADD CONSTRAINT fk_spans_trace_id FOREIGN KEY (trace_id) REFERENCES trace_info(request_id) ON DELETE CASCADE;

ALTER TABLE ONLY trace_info
    ADD CONSTRAINT fk_trace_info_experiment_id FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id);

ALTER TABLE ONLY trace_request_metadata
    ADD CONSTRAINT fk_trace_request_metadata_request_id FOREIGN KEY (request_id) REFERENCES trace_info(request_id) ON DELETE CASCADE;

ALTER TABLE ONLY trace_tags
    ADD CONSTRAINT fk_trace_tags_request_id FOREIGN KEY (request_id) REFERENCES trace_info(request_id) ON DELETE CASCADE;

ALTER TABLE ONLY latest_metrics
    ADD CONSTRAINT latest_metrics_run_uuid_fkey FOREIGN KEY (run_uuid) REFERENCES runs(run_uuid);

ALTER TABLE ONLY metrics
    ADD CONSTRAINT metrics_run_uuid_fkey FOREIGN KEY (run_uuid) REFERENCES runs(run_uuid);

ALTER TABLE ONLY model_version_tags
    ADD CONSTRAINT model_version_tags_name_version_fkey FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON UPDATE CASCADE;

ALTER TABLE ONLY model_versions
    ADD CONSTRAINT model_versions_name_fkey FOREIGN KEY (name) REFERENCES registered_models(name) ON UPDATE CASCADE;

ALTER TABLE ONLY params
    ADD CONSTRAINT params_run_uuid_fkey FOREIGN KEY (run_uuid) REFERENCES runs(run_uuid);

ALTER TABLE ONLY registered_model_aliases
    ADD CONSTRAINT registered_model_alias_name_fkey FOREIGN KEY (name) REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE;

ALTER TABLE ONLY registered_model_tags
    ADD CONSTRAINT registered_model_tags_name_fkey FOREIGN KEY (name) REFERENCES registered_models(name) ON UPDATE CASCADE;

ALTER TABLE ONLY runs
    ADD CONSTRAINT runs_experiment_id_fkey FOREIGN KEY (experiment_id) REFERENCES experiments(experiment_id);

ALTER TABLE ONLY tags
    ADD CONSTRAINT tags_run_uuid_fkey FOREIGN KEY (run_uuid) REFERENCES runs(run_uuid);

ALTER TABLE ONLY webhook_events
    ADD CONSTRAINT webhook_events_webhook_id_fkey FOREIGN KEY (webhook_id) REFERENCES webhooks(webhook_id) ON DELETE CASCADE;
