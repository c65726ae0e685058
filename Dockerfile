# A layered image of the command line (see README, "Container"). Build the jar first, with only the embedded
# PostgreSQL binaries a Linux x86-64 container runs:
#   ./mvnw -B -Plinux-amd64 package -DskipTests && docker build -t invitations .
# Dependencies change less often than the application, so they are layers of their own and stay cached.
FROM eclipse-temurin:17-jre AS layers
WORKDIR /build
COPY target/invitations.jar invitations.jar
RUN java -Djarmode=tools -jar invitations.jar extract --layers --launcher --destination extracted

FROM eclipse-temurin:17-jre
RUN useradd --system --create-home --uid 10001 invitations
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
USER invitations
# Specs and their CSV files are mounted here; the embedded database and the outbox (when no server is configured)
# live under /home/invitations/.invitations.
WORKDIR /home/invitations
ENTRYPOINT ["java", "-cp", "/app", "org.springframework.boot.loader.launch.JarLauncher"]
CMD ["--help"]
