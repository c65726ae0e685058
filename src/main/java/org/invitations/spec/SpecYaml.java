package org.invitations.spec;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a spec's YAML into its raw records, strictly (unknown keys, duplicates, nulls for
 * numbers refused), and turns what the parser and the binder say into one line that names
 * the line, column and key.
 */
final class SpecYaml {

	private final YAMLMapper mapper = YAMLMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	/** The document as a tree, for a look at its keys before it is bound. */
	@Nullable JsonNode tree(String content) {
		return mapper.readTree(content);
	}

	<T> T parse(Path file, String content, Class<T> type) {
		try {
			T raw = mapper.readValue(content, type);
			if (raw == null) {
				throw new SpecException(file, null, "is empty");
			}
			return raw;
		}
		catch (UnrecognizedPropertyException ex) {
			String path = keyPath(ex);
			throw new SpecException(file, "line " + lineOf(content, ex.getPropertyName(), ex.getLocation().getLineNr()),
					"unknown key '" + path + "'");
		}
		catch (JacksonException ex) {
			throw new SpecException(file, where(ex), inPlainWords(ex));
		}
	}

	/** Line and column of the mistake, and the key it belongs to when there is one. */
	private static String where(JacksonException ex) {
		MarkedYamlEngineException yaml = yamlCause(ex);
		Mark mark = yaml != null ? yaml.getProblemMark().orElse(null) : null;
		String at;
		if (mark != null) {
			at = "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
		}
		else if (ex.getLocation() != null && ex.getLocation().getLineNr() > 0) {
			at = "line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr();
		}
		else {
			at = null;
		}
		String path = keyPath(ex);
		return path.isEmpty() ? at : (at == null ? "" : at + ", ") + "key '" + path + "'";
	}

	/**
	 * What the YAML parser and the binder mean, said without their vocabulary (tokens,
	 * scalars, creators).
	 */
	private static String inPlainWords(JacksonException ex) {
		MarkedYamlEngineException yaml = yamlCause(ex);
		if (yaml != null) {
			String problem = String.valueOf(yaml.getProblem());
			if (problem.contains("(TAB)")) {
				return "a tab here: YAML indents with spaces only";
			}
			if (problem.contains("mapping values are not allowed")) {
				return "a ':' here is not allowed: put a value that contains ': ' in quotes";
			}
			if (problem.contains("could not find expected ':'")) {
				return "a key needs a ':' after it";
			}
			if (problem.contains("end of stream") && String.valueOf(yaml.getContext()).contains("quoted")) {
				return "a quoted value is not closed";
			}
			if (problem.contains("expected <block end>")) {
				return "this line's indentation does not match the lines above it";
			}
			return firstLine(problem);
		}
		String message = firstLine(ex.getOriginalMessage());
		if (message.startsWith("Duplicate ")) {
			Matcher key = Pattern.compile("\"([^\"]+)\"").matcher(message);
			return (key.find() ? "key '" + key.group(1) + "'" : "a key") + " appears twice";
		}
		if (ex instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
			Class<?> target = mismatch.getTargetType();
			String given = message.contains("from Array value") ? "a list"
					: message.contains("from Object value") ? "keys (a mapping)" : null;
			Matcher text = Pattern.compile("from String (value )?\\(?\"?'?([^\"')]*)").matcher(message);
			String value = given == null && text.find() ? "'" + text.group(2) + "'" : given;
			String not = value == null ? "" : ", not " + value;
			if (target == String.class) {
				return "a value here must be text" + not;
			}
			if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
				return "must be a whole number" + not;
			}
			if (target == Double.class || target == double.class) {
				return "must be a number" + not;
			}
			if (target == Boolean.class || target == boolean.class) {
				return "must be true or false" + not;
			}
			if (target.isRecord()) {
				return "must hold keys on the lines below it, indented" + not;
			}
		}
		return message;
	}

	private static @Nullable MarkedYamlEngineException yamlCause(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			if (cause instanceof MarkedYamlEngineException marked) {
				return marked;
			}
		}
		return null;
	}

	/**
	 * The parser reports where it stopped, which can be past the key: find the key's own
	 * line.
	 */
	private static int lineOf(String content, String key, int fallback) {
		Pattern keyLine = Pattern.compile("^\\s*(-\\s+)?" + Pattern.quote(key) + "\\s*:");
		String[] lines = content.split("\\R", -1);
		for (int i = 0; i < lines.length; i++) {
			if (keyLine.matcher(lines[i]).find()) {
				return i + 1;
			}
		}
		return fallback;
	}

	private static String keyPath(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference ref : ex.getPath()) {
			if (ref.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
			}
		}
		return path.toString();
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "invalid";
		}
		int newline = message.indexOf('\n');
		return newline < 0 ? message : message.substring(0, newline);
	}

}
