using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Pishkhan.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ReportCases",
                columns: table => new
                {
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Channel = table.Column<int>(type: "integer", nullable: false),
                    CategoryId = table.Column<Guid>(type: "uuid", nullable: true),
                    Product = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Priority = table.Column<int>(type: "integer", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: true),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: true),
                    QueueId = table.Column<Guid>(type: "uuid", nullable: true),
                    PolicyId = table.Column<Guid>(type: "uuid", nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    FirstResponseAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FirstResponseBusinessSeconds = table.Column<long>(type: "bigint", nullable: true),
                    ResolutionBusinessSeconds = table.Column<long>(type: "bigint", nullable: true),
                    Exchanges = table.Column<int>(type: "integer", nullable: false),
                    Reopens = table.Column<int>(type: "integer", nullable: false),
                    Csat = table.Column<double>(type: "double precision", nullable: true),
                    CaseVersion = table.Column<int>(type: "integer", nullable: false),
                    CaseUpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportCases", x => x.CaseId);
                    table.ForeignKey(
                        name: "FK_ReportCases_Cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "Cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReportDirtyCases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportDirtyCases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReportState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    RebuildStartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportState", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SlaInstances_BreachedAt",
                table: "SlaInstances",
                column: "BreachedAt");

            migrationBuilder.CreateIndex(
                name: "IX_SlaInstances_IsOpen_DueAt",
                table: "SlaInstances",
                columns: new[] { "IsOpen", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SlaInstances_StartedAt",
                table: "SlaInstances",
                column: "StartedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_CreatedAt",
                table: "ReportCases",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_FirstResponseAt",
                table: "ReportCases",
                column: "FirstResponseAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_OwnerId_Status",
                table: "ReportCases",
                columns: new[] { "OwnerId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_ResolvedAt",
                table: "ReportCases",
                column: "ResolvedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_Status_CreatedAt",
                table: "ReportCases",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReportCases");

            migrationBuilder.DropTable(
                name: "ReportDirtyCases");

            migrationBuilder.DropTable(
                name: "ReportState");

            migrationBuilder.DropIndex(
                name: "IX_SlaInstances_BreachedAt",
                table: "SlaInstances");

            migrationBuilder.DropIndex(
                name: "IX_SlaInstances_IsOpen_DueAt",
                table: "SlaInstances");

            migrationBuilder.DropIndex(
                name: "IX_SlaInstances_StartedAt",
                table: "SlaInstances");
        }
    }
}
